/**
 * Whether the user heard the reply being voiced before their newest speech began. A new user turn drops a reply they
 * did not hear (still written, synthesized or queued for the player, or first played while they were talking): its
 * audio would otherwise play after the turn that moved on from it. Times in ms on one clock.
 */
export class ReplyHearing {
  private voiced: { replyId: number; playedAtMs: number | null } | null = null;
  private speechStartAtMs = -Infinity;

  /** The voice began following reply `replyId`; it takes the place of any earlier one. */
  voicing(replyId: number): void {
    this.voiced = { replyId, playedAtMs: null };
  }

  /** The first audio of reply `replyId` started playing. */
  played(replyId: number, atMs: number): void {
    if (this.voiced?.replyId === replyId) this.voiced.playedAtMs ??= atMs;
  }

  /** The voice stopped (barge-in, reset): nothing is left to drop. */
  silenced(): void {
    this.voiced = null;
  }

  /** The user started speaking (a fresh onset, not a continued split). */
  userSpoke(atMs: number): void {
    this.speechStartAtMs = atMs;
  }

  /** A user turn ended: the reply to drop, when one is voiced and did not play before the turn's speech began. */
  newUserTurn(): number | null {
    const voiced = this.voiced;
    if (!voiced) return null;
    const heard = voiced.playedAtMs !== null && voiced.playedAtMs < this.speechStartAtMs;
    if (heard) return null;
    this.voiced = null;
    return voiced.replyId;
  }
}
