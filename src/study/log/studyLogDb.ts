// The study log in IndexedDB (through idb's promise wrapper): sessions, turns and kept audio, each indexed by study id.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AudioRecord, SessionRecord, TurnRecord } from './records';

export const STUDY_LOG_DB_NAME = 'es4r-study-log';
const STUDY_LOG_DB_VERSION = 1;

interface StudyLogSchema extends DBSchema {
  sessions: { key: [string, string]; value: SessionRecord; indexes: { byStudy: string } };
  turns: { key: [string, string, number]; value: TurnRecord; indexes: { byStudy: string } };
  audio: { key: [string, string, number]; value: AudioRecord; indexes: { byStudy: string } };
}

export type LogEntry = { store: 'sessions'; value: SessionRecord } | { store: 'turns'; value: TurnRecord } | { store: 'audio'; value: AudioRecord };

/** Everything the log holds for one study (or one session of it). */
export interface StudyLogContents {
  sessions: SessionRecord[];
  turns: TurnRecord[];
  audio: AudioRecord[];
}

/** A key that names an entry across stores: a later write with the same key replaces the earlier one. */
export function entryKey(entry: LogEntry): string {
  switch (entry.store) {
    case 'sessions':
      return `sessions/${entry.value.studyId}/${entry.value.sessionId}`;
    case 'turns':
      return `turns/${entry.value.studyId}/${entry.value.sessionId}/${entry.value.turnNumber}`;
    case 'audio':
      return `audio/${entry.value.studyId}/${entry.value.sessionId}/${entry.value.turnStartMs}`;
  }
}

const STORES = ['sessions', 'turns', 'audio'] as const;

export class StudyLogDb {
  private constructor(private readonly db: IDBPDatabase<StudyLogSchema>) {}

  static async open(name = STUDY_LOG_DB_NAME): Promise<StudyLogDb> {
    const db = await openDB<StudyLogSchema>(name, STUDY_LOG_DB_VERSION, {
      upgrade(database) {
        database.createObjectStore('sessions', { keyPath: ['studyId', 'sessionId'] }).createIndex('byStudy', 'studyId');
        database.createObjectStore('turns', { keyPath: ['studyId', 'sessionId', 'turnNumber'] }).createIndex('byStudy', 'studyId');
        database.createObjectStore('audio', { keyPath: ['studyId', 'sessionId', 'turnStartMs'] }).createIndex('byStudy', 'studyId');
      },
    });
    return new StudyLogDb(db);
  }

  /** One entry in its own transaction (idb's put waits for it to commit), so a failure such as a full quota loses nothing already written. */
  async put(entry: LogEntry): Promise<void> {
    switch (entry.store) {
      case 'sessions':
        await this.db.put('sessions', entry.value);
        return;
      case 'turns':
        await this.db.put('turns', entry.value);
        return;
      case 'audio':
        await this.db.put('audio', entry.value);
        return;
    }
  }

  async read(studyId: string, sessionId?: string): Promise<StudyLogContents> {
    const [sessions, turns, audio] = await Promise.all([
      this.db.getAllFromIndex('sessions', 'byStudy', studyId),
      this.db.getAllFromIndex('turns', 'byStudy', studyId),
      this.db.getAllFromIndex('audio', 'byStudy', studyId),
    ]);
    const mine = <T extends { sessionId: string }>(records: T[]) => (sessionId === undefined ? records : records.filter((r) => r.sessionId === sessionId));
    return { sessions: mine(sessions), turns: mine(turns), audio: mine(audio) };
  }

  /** How much the log holds for the study, without reading the audio. */
  async summary(studyId: string): Promise<{ sessions: number; turns: number; audioTurns: number; participantIds: string[] }> {
    const [sessions, turns, audioTurns] = await Promise.all([
      this.db.getAllFromIndex('sessions', 'byStudy', studyId),
      this.db.countFromIndex('turns', 'byStudy', studyId),
      this.db.countFromIndex('audio', 'byStudy', studyId),
    ]);
    return { sessions: sessions.length, turns, audioTurns, participantIds: [...new Set(sessions.map((s) => s.participantId))] };
  }

  /** Deletes every record of the study; returns how many there were. */
  async wipe(studyId: string): Promise<number> {
    const tx = this.db.transaction(STORES, 'readwrite');
    let deleted = 0;
    for (const name of STORES) {
      let cursor = await tx.objectStore(name).index('byStudy').openCursor(studyId);
      while (cursor) {
        await cursor.delete();
        deleted++;
        cursor = await cursor.continue();
      }
    }
    await tx.done;
    return deleted;
  }

  close(): void {
    this.db.close();
  }
}
