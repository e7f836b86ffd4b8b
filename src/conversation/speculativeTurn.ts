/** Which turn a speculation is about: a tentative turn is the confirmed one when their spans are equal. */
export interface TurnSpan {
  index: number;
  startMs: number;
  endMs: number;
}

export function spanOf({ index, startMs, endMs }: TurnSpan): TurnSpan {
  return { index, startMs, endMs };
}

const sameSpan = (a: TurnSpan, b: TurnSpan): boolean => a.index === b.index && a.startMs === b.startMs && a.endMs === b.endMs;

/** What the speculation hears: the listener's decisions, its own work's results, and the dialogue's changes. Times in ms on one clock. */
export type SpeculationInput =
  /** A pause ended the speech: the turn as it will be if no speech follows. */
  | { type: 'tentative'; span: TurnSpan; atMs: number }
  /** Speech came back before the turn ended. */
  | { type: 'resumed'; atMs: number }
  /** The end-of-turn wait is over: the turn ended with this span. */
  | { type: 'confirmed'; span: TurnSpan; atMs: number }
  | { type: 'transcribed'; id: number; transcript: string; atMs: number }
  /** `prefilledTokens` null: there was no prompt to prefill (the turn gets a fixed reply). */
  | { type: 'prefilled'; id: number; attempt: number; prefilledTokens: number | null; atMs: number }
  | { type: 'transcribeFailed'; id: number }
  | { type: 'prefillFailed'; id: number; attempt: number; atMs: number }
  /** The assistant's reply was cut off: the dialogue before the turn changed, so a prefill on the old one is stale. */
  | { type: 'bargeIn'; atMs: number }
  /** A new conversation. */
  | { type: 'reset' };

/** What the caller must do, in order. */
export type SpeculationAction =
  /** Run speech recognition on the tentative turn. */
  | { type: 'transcribe'; id: number }
  /** Prefill the language model on the prompt this turn, with this transcript, gives the current dialogue. */
  | { type: 'prefill'; id: number; attempt: number; transcript: string }
  /** Abort and forget: all of the speculation's work, or only its prefill. */
  | { type: 'cancel'; id: number; work: 'all' | 'prefill' }
  /** The confirmed turn is the speculated one: its reply takes the speculative transcript (ready or in flight). */
  | { type: 'commit'; id: number }
  /** A committed speculation's work is over: what it cost and how much of it ran before the confirmation. */
  | { type: 'figures'; id: number; figures: SpeculationFigures };

export interface SpeculationFigures {
  /** Tentative -> confirmed: the part of the end-of-turn wait the speculation could fill. */
  waitMs: number;
  /** Tentative -> transcript (queueing in the recognizer included). */
  asrMs: number;
  /** The last prefill's duration; null when none ran (confirmed before the transcript, or no prompt). */
  prefillMs: number | null;
  prefilledTokens: number | null;
  /** Speculative work done before the confirmation: min(work end, confirmed) - tentative, so at most waitMs. */
  hiddenMs: number;
}

interface Speculation {
  id: number;
  span: TurnSpan;
  tentativeAtMs: number;
  transcript: string | null;
  transcribedAtMs: number | null;
  prefill: { attempt: number; startAtMs: number; endAtMs: number | null; tokens: number | null } | null;
  confirmedAtMs: number | null;
}

/**
 * Speculative end of turn as a pure state machine. At a pause the turn is transcribed, then the language model prefilled
 * on the prompt it would give; if speech resumes, all of it is cancelled and forgotten; if the turn ends as it paused, the
 * speculation is committed: the reply reuses its transcript, and its prompt finds the prefix cached. A barge-in changes
 * the dialogue before the turn, so a prefill not yet confirmed runs again on the new one.
 */
export class SpeculativeTurn {
  /** The speculation on the open turn, not yet confirmed. */
  private active: Speculation | null = null;
  /** Confirmed speculations whose work still runs (their figures come when it ends). */
  private readonly committed = new Map<number, Speculation>();
  private nextId = 1;
  private nextAttempt = 1;

  handle(input: SpeculationInput): SpeculationAction[] {
    switch (input.type) {
      case 'tentative': {
        const actions = this.dropActive();
        this.active = { id: this.nextId++, span: input.span, tentativeAtMs: input.atMs, transcript: null, transcribedAtMs: null, prefill: null, confirmedAtMs: null };
        return [...actions, { type: 'transcribe', id: this.active.id }];
      }
      case 'resumed':
        return this.dropActive();
      case 'confirmed': {
        const speculation = this.active;
        if (!speculation || !sameSpan(speculation.span, input.span)) return this.dropActive();
        this.active = null;
        speculation.confirmedAtMs = input.atMs;
        this.committed.set(speculation.id, speculation);
        return [{ type: 'commit', id: speculation.id }, ...this.figuresIfDone(speculation)];
      }
      case 'transcribed': {
        const speculation = this.find(input.id);
        if (!speculation) return [];
        speculation.transcript = input.transcript;
        speculation.transcribedAtMs = input.atMs;
        // Once confirmed, the reply prefills its own prompt: a speculative prefill would only queue before it.
        if (speculation.confirmedAtMs !== null) return this.figuresIfDone(speculation);
        return [this.startPrefill(speculation, input.atMs)];
      }
      case 'prefilled':
      case 'prefillFailed': {
        const speculation = this.find(input.id);
        if (!speculation?.prefill || speculation.prefill.attempt !== input.attempt) return [];
        speculation.prefill.endAtMs = input.atMs;
        speculation.prefill.tokens = input.type === 'prefilled' ? input.prefilledTokens : null;
        return this.figuresIfDone(speculation);
      }
      case 'transcribeFailed': {
        // Nothing to reuse: the confirmed turn is transcribed as usual.
        if (this.active?.id === input.id) this.active = null;
        this.committed.delete(input.id);
        return [];
      }
      case 'bargeIn': {
        const speculation = this.active;
        if (!speculation || speculation.transcript === null) return [];
        const running = speculation.prefill !== null && speculation.prefill.endAtMs === null;
        return [...(running ? [{ type: 'cancel', id: speculation.id, work: 'prefill' } as const] : []), this.startPrefill(speculation, input.atMs)];
      }
      case 'reset': {
        const actions = this.dropActive();
        for (const id of this.committed.keys()) actions.push({ type: 'cancel', id, work: 'all' });
        this.committed.clear();
        return actions;
      }
    }
  }

  private find(id: number): Speculation | null {
    if (this.active?.id === id) return this.active;
    return this.committed.get(id) ?? null;
  }

  private dropActive(): SpeculationAction[] {
    const speculation = this.active;
    this.active = null;
    return speculation ? [{ type: 'cancel', id: speculation.id, work: 'all' }] : [];
  }

  private startPrefill(speculation: Speculation, atMs: number): SpeculationAction {
    const attempt = this.nextAttempt++;
    speculation.prefill = { attempt, startAtMs: atMs, endAtMs: null, tokens: null };
    return { type: 'prefill', id: speculation.id, attempt, transcript: speculation.transcript! };
  }

  /** A committed speculation whose transcript is in and whose prefill (if any) ended reports its figures, once. */
  private figuresIfDone(speculation: Speculation): SpeculationAction[] {
    const { confirmedAtMs, transcribedAtMs, prefill, tentativeAtMs } = speculation;
    if (confirmedAtMs === null || transcribedAtMs === null) return [];
    if (prefill && prefill.endAtMs === null) return [];
    this.committed.delete(speculation.id);
    const workEndAtMs = prefill?.endAtMs ?? transcribedAtMs;
    const figures: SpeculationFigures = {
      waitMs: confirmedAtMs - tentativeAtMs,
      asrMs: transcribedAtMs - tentativeAtMs,
      prefillMs: prefill ? prefill.endAtMs! - prefill.startAtMs : null,
      prefilledTokens: prefill?.tokens ?? null,
      hiddenMs: Math.max(0, Math.min(workEndAtMs, confirmedAtMs) - tentativeAtMs),
    };
    return [{ type: 'figures', id: speculation.id, figures }];
  }
}

/** The figures as a reply's stage timings (ms, and the tokens the speculative prefill ran). */
export function speculationTimings(figures: SpeculationFigures): Record<string, number> {
  return {
    speculativeWaitMs: figures.waitMs,
    speculativeAsrMs: figures.asrMs,
    speculativeHiddenMs: figures.hiddenMs,
    ...(figures.prefillMs === null ? {} : { speculativePrefillMs: figures.prefillMs }),
    ...(figures.prefilledTokens === null ? {} : { speculativePrefilledTokens: figures.prefilledTokens }),
  };
}
