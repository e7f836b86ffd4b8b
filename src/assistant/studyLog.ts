// The study log's storage side: IndexedDB through a LogWriter that never drops an entry, export and wipe.
import { errorMessage } from '../errorMessage';
import type { Actions } from '../state/actions';
import type { AppStore } from '../state/store';
import { buildExportFile, withUnsaved, type ExportFile } from '../study/export/buildExport';
import { LogWriter } from '../study/log/logWriter';
import type { LogEntry, StudyLogContents, StudyLogDb } from '../study/log/studyLogDb';
import type { StudyFile } from '../study/studyFile';

export interface StudyLogDeps {
  store: AppStore;
  actions: Actions;
  /** Opens the log's database (IndexedDB on the page). */
  openDb(): Promise<StudyLogDb>;
  /** For the export's file name and dates. */
  now(): Date;
}

export class StudyLog {
  private database: Promise<StudyLogDb> | null = null;
  private readonly writer: LogWriter;

  constructor(private readonly deps: StudyLogDeps) {
    this.writer = new LogWriter(
      async (entry) => (await this.logDb()).put(entry),
      (storage) => deps.actions.studyChanged({ storage }),
    );
  }

  private logDb(): Promise<StudyLogDb> {
    this.database ??= this.deps.openDb().catch((error: unknown) => {
      this.database = null;
      throw new Error(`the browser's IndexedDB is unavailable (${errorMessage(error)}); study mode needs it to keep the log`);
    });
    return this.database;
  }

  /** Saves the entry, or holds it in the page (said on the page) until it can be saved. */
  write(entry: LogEntry): Promise<void> {
    return this.writer.write(entry);
  }

  /** What the log holds for the open study, for the researcher view. */
  async refreshLogged(): Promise<void> {
    const { store, actions } = this.deps;
    const { file } = store.getState().study;
    if (!file) return;
    try {
      actions.studyChanged({ logged: await (await this.logDb()).summary(file.id) });
    } catch (error) {
      actions.studyChanged({ storage: { ...store.getState().study.storage, problem: `The study log cannot be read: ${errorMessage(error)}` } });
    }
  }

  /** The saved entries and those still held in memory, as one file; null when it failed (said in lastAction). */
  async export(file: StudyFile, sessionId?: string): Promise<ExportFile | null> {
    const { actions } = this.deps;
    await this.writer.retry();
    let saved: StudyLogContents = { sessions: [], turns: [], audio: [] };
    let unreadable = '';
    try {
      saved = await (await this.logDb()).read(file.id, sessionId);
    } catch (error) {
      unreadable = ` The saved log could not be read (${errorMessage(error)}): the file holds only what this page still had in memory.`;
    }
    try {
      const contents = withUnsaved(saved, this.writer.unsavedEntries(), file.id, sessionId);
      const suffix = sessionId === undefined ? '' : `-${contents.sessions[0]?.participantId ?? 'session'}`;
      const exported = buildExportFile(file, contents, this.deps.now(), suffix);
      actions.studyChanged({ lastAction: `Exported ${contents.sessions.length} session(s), ${contents.turns.length} turn(s) to ${exported.fileName}.${unreadable}` });
      return exported;
    } catch (error) {
      actions.studyChanged({ lastAction: `The export failed: ${errorMessage(error)}` });
      return null;
    }
  }

  /** Deletes every record of the study from this device, and the entries of it still held in memory. */
  async wipe(file: StudyFile): Promise<void> {
    const { actions } = this.deps;
    try {
      this.writer.discard(file.id);
      const deleted = await (await this.logDb()).wipe(file.id);
      actions.studyChanged({ lastAction: `Wiped the log of "${file.id}": ${deleted} record(s) deleted from this device.` });
    } catch (error) {
      actions.studyChanged({ lastAction: `The log could not be wiped: ${errorMessage(error)}` });
    }
    // Space was freed: entries of other studies held back by a full quota get their chance.
    await this.writer.retry();
    await this.refreshLogged();
  }

  retrySaving(): void {
    void this.writer.retry().then(() => this.refreshLogged());
  }
}
