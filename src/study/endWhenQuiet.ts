// When a session that reached its limit may end: once the last reply is written and spoken (pure, clock passed in).
// Fed every store change of the session from its start, so it knows which replies were already spoken.

/** What the watcher reads of the store. */
export interface QuietInputs {
  transcribing: boolean;
  /** The dialogue's last turn. */
  lastTurn: { kind: 'user' } | { kind: 'assistant'; id: number; streaming: boolean } | null;
  /** A voice is loaded, so a finished reply is about to be spoken. */
  ttsReady: boolean;
  /** The reply being spoken, if any. */
  speakingReplyId: number | null;
}

/** A written reply whose voice has not started within this time is not waited for (synthesis failed or is absent). */
export const SPEECH_START_GRACE_MS = 10_000;
/** The longest the end waits for the last exchange, whatever happens. */
export const ENDING_WAIT_CAP_MS = 60_000;

export class EndWhenQuiet {
  private readonly spokenReplies = new Set<number>();
  private readonly replyDoneMs = new Map<number, number>();

  /** True when nothing is being transcribed, written or spoken any more. */
  observe(inputs: QuietInputs, nowMs: number): boolean {
    if (inputs.speakingReplyId !== null) this.spokenReplies.add(inputs.speakingReplyId);
    if (inputs.transcribing || inputs.speakingReplyId !== null) return false;
    const last = inputs.lastTurn;
    if (last?.kind !== 'assistant') return true;
    if (last.streaming) return false;
    if (!this.replyDoneMs.has(last.id)) this.replyDoneMs.set(last.id, nowMs);
    const awaitingVoice = inputs.ttsReady && !this.spokenReplies.has(last.id) && nowMs - this.replyDoneMs.get(last.id)! < SPEECH_START_GRACE_MS;
    return !awaitingVoice;
  }
}
