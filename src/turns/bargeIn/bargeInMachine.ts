/** Barge-in settings; times in ms, judged per VAD chunk. */
export interface BargeInConfig {
  /** A chunk at or above this probability may open an onset (Silero's onset threshold). */
  onsetThreshold: number;
  /** A chunk at or above this probability still counts as speech (Silero's offset threshold). */
  offsetThreshold: number;
  /** Speech the echo does not explain, summed from the onset, that confirms the user: longer than a cough or a knock. */
  confirmSpeechMs: number;
  /** Unexplained silence (or echo) in a row after which an onset is dropped and the voice restored. */
  restoreAfterMs: number;
  /** An onset not confirmed this long after it is dropped and the voice restored. */
  maxPendingMs: number;
}

export const DEFAULT_BARGE_IN_CONFIG: Readonly<BargeInConfig> = Object.freeze({
  onsetThreshold: 0.5,
  offsetThreshold: 0.35,
  confirmSpeechMs: 192,
  restoreAfterMs: 128,
  maxPendingMs: 600,
});

/** One VAD chunk as the machine sees it. */
export interface BargeInChunk {
  /** The chunk's start and end, ms since the stream started. */
  startMs: number;
  endMs: number;
  probability: number;
  /** The assistant's voice was playing (there is something to duck). */
  playing: boolean;
  /** The echo gate found more than the assistant's own echo in this chunk. */
  userLike: boolean;
}

export type BargeInEvent =
  /** An onset while the voice plays: duck it now. */
  | { type: 'duck'; atMs: number }
  /** The onset was not the user (a cough, a door, echo): the voice comes back. */
  | { type: 'restore'; atMs: number; onsetMs: number }
  /** The user is speaking: stop the voice and the reply. `playing` says whether a voice was playing at the onset or since. */
  | { type: 'confirmed'; onsetMs: number; atMs: number; playing: boolean };

type State =
  /** No speech. */
  | { kind: 'idle' }
  /** The VAD hears speech the echo explains: the assistant hearing itself. */
  | { kind: 'echo' }
  /** An unexplained onset awaits confirmation. */
  | { kind: 'pending'; onsetMs: number; userMs: number; quietMs: number; ducked: boolean; playing: boolean }
  /** The user's speech, confirmed: lasts until the VAD falls silent. */
  | { kind: 'confirmed' };

/**
 * Confirm before cancelling, as a pure state machine over VAD chunks: an onset the echo gate does not explain
 * ducks a playing voice at once; confirmSpeechMs of unexplained speech confirms the user (the caller stops the
 * voice and the reply); restoreAfterMs without it, or maxPendingMs in all, restores the voice. Speech the echo
 * explains opens nothing, and an unexplained chunk within it opens an onset.
 */
export class BargeInMachine {
  readonly config: BargeInConfig;
  private state: State = { kind: 'idle' };

  constructor(config: Partial<BargeInConfig> = {}) {
    this.config = { ...DEFAULT_BARGE_IN_CONFIG, ...config };
    const { onsetThreshold, offsetThreshold, confirmSpeechMs, restoreAfterMs, maxPendingMs } = this.config;
    if (!(offsetThreshold > 0 && offsetThreshold <= onsetThreshold && onsetThreshold <= 1)) {
      throw new RangeError(`BargeInMachine: need 0 < offsetThreshold <= onsetThreshold <= 1`);
    }
    if (!(confirmSpeechMs > 0 && restoreAfterMs > 0 && maxPendingMs > confirmSpeechMs)) {
      throw new RangeError(`BargeInMachine: need confirmSpeechMs, restoreAfterMs > 0 and maxPendingMs > confirmSpeechMs`);
    }
  }

  /** Whether the voice is ducked now. */
  get ducked(): boolean {
    return this.state.kind === 'pending' && this.state.ducked;
  }

  /** Whether the user's speech is confirmed and still going on. */
  get confirmed(): boolean {
    return this.state.kind === 'confirmed';
  }

  /** Feeds the next chunk; returns what to do. */
  push(chunk: BargeInChunk): BargeInEvent[] {
    const { onsetThreshold, offsetThreshold } = this.config;
    const speech = chunk.probability >= offsetThreshold;
    const state = this.state;
    switch (state.kind) {
      case 'idle':
      case 'echo':
        if (chunk.probability >= onsetThreshold && chunk.userLike) return this.open(chunk);
        this.state = speech && (state.kind === 'echo' || chunk.probability >= onsetThreshold) ? { kind: 'echo' } : { kind: 'idle' };
        return [];
      case 'pending':
        return this.judge(state, chunk, speech);
      case 'confirmed':
        if (!speech) this.state = { kind: 'idle' };
        return [];
    }
  }

  /** The stream ended or restarted: a ducked voice comes back. */
  reset(atMs: number): BargeInEvent[] {
    const state = this.state;
    this.state = { kind: 'idle' };
    return state.kind === 'pending' && state.ducked ? [{ type: 'restore', atMs, onsetMs: state.onsetMs }] : [];
  }

  private open(chunk: BargeInChunk): BargeInEvent[] {
    const pending = { kind: 'pending' as const, onsetMs: chunk.startMs, userMs: 0, quietMs: 0, ducked: chunk.playing, playing: chunk.playing };
    this.state = pending;
    const events: BargeInEvent[] = chunk.playing ? [{ type: 'duck', atMs: chunk.endMs }] : [];
    return [...events, ...this.judge(pending, chunk, true)];
  }

  private judge(state: Extract<State, { kind: 'pending' }>, chunk: BargeInChunk, speech: boolean): BargeInEvent[] {
    const chunkMs = chunk.endMs - chunk.startMs;
    state.playing ||= chunk.playing;
    if (speech && chunk.userLike) {
      state.userMs += chunkMs;
      state.quietMs = 0;
    } else {
      state.quietMs += chunkMs;
    }
    if (state.userMs >= this.config.confirmSpeechMs) {
      this.state = { kind: 'confirmed' };
      return [{ type: 'confirmed', onsetMs: state.onsetMs, atMs: chunk.endMs, playing: state.playing }];
    }
    if (state.quietMs >= this.config.restoreAfterMs || chunk.endMs - state.onsetMs >= this.config.maxPendingMs) {
      this.state = speech ? { kind: 'echo' } : { kind: 'idle' };
      return state.ducked ? [{ type: 'restore', atMs: chunk.endMs, onsetMs: state.onsetMs }] : [];
    }
    return [];
  }
}
