import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { withUnsaved } from '../export/buildExport';
import { sampleAudio, sampleSession, sampleTurn } from '../testing/sampleRecords';
import { isQuotaError, LogWriter, type LogWriteStatus } from './logWriter';
import { StudyLogDb } from './studyLogDb';

let dbCount = 0;
const openFresh = () => StudyLogDb.open(`study-log-test-${dbCount++}`);

/** Makes fake-indexeddb's put fail the way a full origin quota does in browsers. */
const realPut = IDBObjectStore.prototype.put;
function fillQuota(failure: () => Error = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError')): void {
  IDBObjectStore.prototype.put = function put() {
    throw failure();
  };
}
afterEach(() => {
  IDBObjectStore.prototype.put = realPut;
});

function writerOn(db: StudyLogDb) {
  const statuses: LogWriteStatus[] = [];
  const writer = new LogWriter((entry) => db.put(entry), (status) => statuses.push(status));
  return { writer, statuses };
}

describe('StudyLogDb', () => {
  it('keeps sessions, turns and audio per study and session; wipe deletes only that study', async () => {
    const db = await openFresh();
    const mine = sampleSession('pilot', 'P001');
    const other = sampleSession('other-study', 'P001');
    await db.put({ store: 'sessions', value: mine });
    await db.put({ store: 'sessions', value: other });
    for (const n of [1, 2]) await db.put({ store: 'turns', value: sampleTurn(mine, n) });
    await db.put({ store: 'turns', value: sampleTurn(other, 1) });
    const audio = sampleAudio(sampleTurn(mine, 1));
    await db.put({ store: 'audio', value: audio });
    // A later write of the same turn replaces it.
    await db.put({ store: 'turns', value: sampleTurn(mine, 2, 'turn 2, final') });

    const read = await db.read('pilot');
    expect(read.sessions.map((s) => s.sessionId)).toEqual([mine.sessionId]);
    expect(read.turns.map((t) => t.user.transcript)).toEqual(['turn 1', 'turn 2, final']);
    expect(read.audio[0]!.pcm).toBeInstanceOf(Float32Array);
    expect(Array.from(read.audio[0]!.pcm)).toEqual(Array.from(audio.pcm));
    expect(await db.summary('pilot')).toEqual({ sessions: 1, turns: 2, audioTurns: 1, participantIds: ['P001'] });

    expect(await db.wipe('pilot')).toBe(4);
    expect(await db.read('pilot')).toEqual({ sessions: [], turns: [], audio: [] });
    expect((await db.read('other-study')).turns).toHaveLength(1);
    db.close();
  });
});

describe('LogWriter under a full quota', () => {
  it('keeps what was written, holds later entries in memory, says what to do, and saves them once there is room', async () => {
    const db = await openFresh();
    const { writer, statuses } = writerOn(db);
    const session = sampleSession('pilot', 'P001');
    await writer.write({ store: 'sessions', value: session });
    await writer.write({ store: 'turns', value: sampleTurn(session, 1) });
    expect(statuses).toEqual([]);

    fillQuota();
    await writer.write({ store: 'turns', value: sampleTurn(session, 2) });
    expect(statuses.at(-1)!.unsaved).toBe(1);
    expect(statuses.at(-1)!.problem).toMatch(/storage for this page is full: 1 log entry is held in this page only/);
    expect(statuses.at(-1)!.problem).toMatch(/Export the log now .* then wipe/);
    // A later write retries the held entry first, fails again, and is held too: nothing is dropped.
    await writer.write({ store: 'turns', value: sampleTurn(session, 3) });
    expect(statuses.at(-1)!.unsaved).toBe(2);
    // An update of a held entry replaces it in the queue.
    await writer.write({ store: 'turns', value: sampleTurn(session, 3, 'turn 3, final') });
    expect(writer.unsavedEntries().map((e) => (e.store === 'turns' ? e.value.user.transcript : e.store))).toEqual(['turn 2', 'turn 3, final']);

    // The entries written before the quota filled are intact, and an export sees all of them.
    const saved = await db.read('pilot');
    expect(saved.turns.map((t) => t.turnNumber)).toEqual([1]);
    expect(withUnsaved(saved, writer.unsavedEntries(), 'pilot').turns.map((t) => t.user.transcript).sort()).toEqual(['turn 1', 'turn 2', 'turn 3, final']);

    IDBObjectStore.prototype.put = realPut;
    await writer.retry();
    expect(statuses.at(-1)).toEqual({ unsaved: 0, problem: null });
    expect((await db.read('pilot')).turns.map((t) => t.user.transcript)).toEqual(['turn 1', 'turn 2', 'turn 3, final']);
    db.close();
  });

  it('reports other failures with their reason, and forgets held entries of a wiped study', async () => {
    const db = await openFresh();
    const { writer, statuses } = writerOn(db);
    fillQuota(() => new Error('disk on fire'));
    const session = sampleSession('pilot', 'P002');
    await writer.write({ store: 'sessions', value: session });
    expect(statuses.at(-1)!.problem).toMatch(/could not be saved \(disk on fire\): 1 entry is held in this page only/);
    writer.discard('pilot');
    expect(writer.unsavedEntries()).toEqual([]);
    expect(statuses.at(-1)).toEqual({ unsaved: 0, problem: null });
    db.close();
  });
});

describe('isQuotaError', () => {
  it('knows the DOMException by name and by its legacy code', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'Error', code: 22 })).toBe(true);
    expect(isQuotaError(new DOMException('gone', 'AbortError'))).toBe(false);
    expect(isQuotaError('QuotaExceededError')).toBe(false);
  });
});
