// The study log's storage side: IndexedDB through a LogWriter that never drops an entry, export and wipe.
import { errorMessage } from '../errorMessage';
import { studyChanged } from '../state/studyActions';
import { useStore } from '../state/store';
import { buildExportFile, withUnsaved, type ExportFile } from '../study/export/buildExport';
import { LogWriter } from '../study/log/logWriter';
import { StudyLogDb, type LogEntry, type StudyLogContents } from '../study/log/studyLogDb';
import type { StudyFile } from '../study/studyFile';

let database: Promise<StudyLogDb> | null = null;
const writer = new LogWriter(
  async (entry) => (await logDb()).put(entry),
  (storage) => studyChanged({ storage }),
);

function logDb(): Promise<StudyLogDb> {
  database ??= StudyLogDb.open().catch((error: unknown) => {
    database = null;
    throw new Error(`the browser's IndexedDB is unavailable (${errorMessage(error)}); study mode needs it to keep the log`);
  });
  return database;
}

/** Saves the entry, or holds it in the page (said on the page) until it can be saved. */
export function writeLog(entry: LogEntry): Promise<void> {
  return writer.write(entry);
}

/** What the log holds for the open study, for the researcher view. */
export async function refreshLogged(): Promise<void> {
  const { file } = useStore.getState().study;
  if (!file) return;
  try {
    studyChanged({ logged: await (await logDb()).summary(file.id) });
  } catch (error) {
    studyChanged({ storage: { ...useStore.getState().study.storage, problem: `The study log cannot be read: ${errorMessage(error)}` } });
  }
}

/** The saved entries and those still held in memory, as one file; null when it failed (said in lastAction). */
export async function exportLog(file: StudyFile, sessionId?: string): Promise<ExportFile | null> {
  await writer.retry();
  let saved: StudyLogContents = { sessions: [], turns: [], audio: [] };
  let unreadable = '';
  try {
    saved = await (await logDb()).read(file.id, sessionId);
  } catch (error) {
    unreadable = ` The saved log could not be read (${errorMessage(error)}): the file holds only what this page still had in memory.`;
  }
  try {
    const contents = withUnsaved(saved, writer.unsavedEntries(), file.id, sessionId);
    const suffix = sessionId === undefined ? '' : `-${contents.sessions[0]?.participantId ?? 'session'}`;
    const exported = buildExportFile(file, contents, new Date(), suffix);
    studyChanged({ lastAction: `Exported ${contents.sessions.length} session(s), ${contents.turns.length} turn(s) to ${exported.fileName}.${unreadable}` });
    return exported;
  } catch (error) {
    studyChanged({ lastAction: `The export failed: ${errorMessage(error)}` });
    return null;
  }
}

/** Deletes every record of the study from this device, and the entries of it still held in memory. */
export async function wipeLog(file: StudyFile): Promise<void> {
  try {
    writer.discard(file.id);
    const deleted = await (await logDb()).wipe(file.id);
    studyChanged({ lastAction: `Wiped the log of "${file.id}": ${deleted} record(s) deleted from this device.` });
  } catch (error) {
    studyChanged({ lastAction: `The log could not be wiped: ${errorMessage(error)}` });
  }
  // Space was freed: entries of other studies held back by a full quota get their chance.
  await writer.retry();
  await refreshLogged();
}

export function retrySaving(): void {
  void writer.retry().then(refreshLogged);
}
