// Writes log entries in order and never drops one: an entry that cannot be saved (a full quota) stays queued in
// memory, is retried with every later write and on request, is included in exports, and the page is told.
import { errorMessage } from '../../errorMessage';
import { entryKey, type LogEntry } from './studyLogDb';

export interface LogWriteStatus {
  /** Entries held in this page only, not yet in IndexedDB. */
  unsaved: number;
  /** What went wrong and what to do, or null when everything is saved. */
  problem: string | null;
}

/** Browsers report a full quota as a DOMException named QuotaExceededError (legacy code 22), on the request or the transaction. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || code === 22;
}

export function quotaProblem(unsaved: number): string {
  return (
    `The browser's storage for this page is full: ${unsaved} log ${unsaved === 1 ? 'entry is' : 'entries are'} held in this page only, not yet saved. ` +
    'Everything saved before is kept. Export the log now (the export includes the unsaved entries), then wipe the study\'s data to make room; saving resumes by itself.'
  );
}

function writeProblem(unsaved: number, error: unknown): string {
  return `The study log could not be saved (${errorMessage(error)}): ${unsaved} ${unsaved === 1 ? 'entry is' : 'entries are'} held in this page only. Export the log now; saving is retried with every new entry.`;
}

export class LogWriter {
  private readonly queue: LogEntry[] = [];
  private draining: Promise<void> | null = null;
  private status: LogWriteStatus = { unsaved: 0, problem: null };

  constructor(
    private readonly put: (entry: LogEntry) => Promise<void>,
    private readonly onStatus: (status: LogWriteStatus) => void,
  ) {}

  /** Queues the entry (replacing a queued one with the same key, which it supersedes) and tries to save the queue. */
  write(entry: LogEntry): Promise<void> {
    const key = entryKey(entry);
    // The head may be in flight; only entries behind it are replaced in place.
    const index = this.queue.findIndex((queued, i) => i > 0 && entryKey(queued) === key);
    if (index >= 0) this.queue[index] = entry;
    else this.queue.push(entry);
    // A drain already running may have stopped at a failure just before this entry came: try once more after it.
    return this.draining ? this.draining.then(() => this.drain()) : this.drain();
  }

  /** Tries to save what is queued (after an export and wipe made room). Resolves when the queue is empty or stuck. */
  retry(): Promise<void> {
    return this.drain();
  }

  /** Forgets the queued entries of a study whose log was wiped (an entry being saved right now still lands). */
  discard(studyId: string): void {
    const kept = this.queue.filter((entry, i) => (i === 0 && this.draining !== null) || entry.value.studyId !== studyId);
    this.queue.splice(0, this.queue.length, ...kept);
    if (kept.length === 0) this.report({ unsaved: 0, problem: null });
  }

  /** The entries not yet saved, oldest first. */
  unsavedEntries(): LogEntry[] {
    return [...this.queue];
  }

  private drain(): Promise<void> {
    this.draining ??= this.saveQueued().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async saveQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      try {
        await this.put(head);
      } catch (error) {
        this.report({ unsaved: this.queue.length, problem: isQuotaError(error) ? quotaProblem(this.queue.length) : writeProblem(this.queue.length, error) });
        return;
      }
      this.queue.shift();
    }
    this.report({ unsaved: 0, problem: null });
  }

  private report(status: LogWriteStatus): void {
    if (status.unsaved === this.status.unsaved && status.problem === this.status.problem) return;
    this.status = status;
    this.onStatus(status);
  }
}
