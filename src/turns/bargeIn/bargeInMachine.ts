/** Barge-in settings; times in ms. The echo gate judges 10 ms frames, the VAD 32 ms chunks. */
export interface BargeInConfig {
  /** A chunk at or above this probability says the VAD hears speech (Silero's onset threshold). */
  onsetThreshold: number;
  /** A chunk at or above this probability still counts as speech (Silero's offset threshold). */
  offsetThreshold: number;
  /** Frames in a row the echo gate calls the user's that open an onset (and duck a playing voice). */
  onsetFrames: number;
  /** Frames the gate calls the user's, summed over confirmWindowMs, that confirm them: longer than a cough or a knock. */
  confirmSpeechMs: number;
  /** The window confirmSpeechMs is summed over: the user's speech, half hidden by loud echo, still adds up across a restore. */
  confirmWindowMs: number;
  /** Frames in a row not the user's after which an onset is dropped and the voice restored. */
  restoreAfterMs: number;
  /** An onset not confirmed this long after it is dropped and the voice restored. */
  maxPendingMs: number;
  /** A confirmed user's speech ends after VAD chunks below offsetThreshold for this long: a pause between words is not its end. */
  confirmedPauseMs: number;
  /**
   * User-like frames between two confirmable ones, in an unbroken run of user-like frames, count toward confirming too:
   * the user's word dips under the confirm margins where the echo peaks (the bench's two slowest stops lacked 1 to 4
   * such frames); a burst's run has no frames past its own ends to add, so the count still outlasts it.
   */
  fillHoles: boolean;
}

export const DEFAULT_BARGE_IN_CONFIG: Readonly<BargeInConfig> = Object.freeze({
  onsetThreshold: 0.5,
  offsetThreshold: 0.35,
  onsetFrames: 2,
  confirmSpeechMs: 200,
  confirmWindowMs: 400,
  restoreAfterMs: 120,
  maxPendingMs: 600,
  confirmedPauseMs: 300,
  fillHoles: true,
});

/** One 10 ms microphone frame as the echo gate judged it. */
export interface BargeInFrame {
  /** The frame's centre, ms since the stream started. */
  centreMs: number;
  /** The assistant's voice was playing (there is something to duck). */
  playing: boolean;
  /** The echo gate found more than the assistant's own echo in this frame: opens an onset, ducks. */
  userLike: boolean;
  /** The frame counts toward confirming the user (a stricter judgement than userLike). */
  confirmable: boolean;
}

export type BargeInEvent =
  /** An onset while the voice plays: duck it now. `atMs` is when the machine was told what decided it. */
  | { type: 'duck'; atMs: number }
  /** The onset was not the user (a cough, a door, echo): the voice comes back. */
  | { type: 'restore'; atMs: number; onsetMs: number }
  /** The user is speaking: stop the voice and the reply. `playing` says whether a voice was playing at the onset or since. */
  | { type: 'confirmed'; onsetMs: number; atMs: number; playing: boolean };

type State =
  /** No onset: counts the run of frames the gate calls the user's. */
  | { kind: 'idle'; runFrames: number; runStartMs: number }
  /** An onset awaits confirmation. */
  | { kind: 'pending'; onsetMs: number; quietMs: number; ducked: boolean; playing: boolean; vadAgreed: boolean }
  /** The user's speech, confirmed: lasts until the VAD falls silent for confirmedPauseMs. */
  | { kind: 'confirmed'; quietMs: number };

const FRAME_MS = 10;
/** One VAD chunk: 512 samples at 16 kHz. */
const CHUNK_MS = 32;
const idle = (): State => ({ kind: 'idle', runFrames: 0, runStartMs: 0 });

/**
 * Confirm before cancelling, as a pure state machine over the echo gate's 10 ms frames and the VAD's 32 ms chunks,
 * fed in the order they became known: onsetFrames frames in a row the gate does not explain open an onset and
 * duck a playing voice at once (a frame is known 12.5 ms after its centre, a chunk only at its end);
 * confirmSpeechMs of confirmable frames (a stricter judgement; with fillHoles, also the user-like ones between two of them in an unbroken run)
 * within confirmWindowMs confirm the user, provided the VAD called a
 * chunk since the onset speech and still does, and the newest frame is confirmable (a burst shorter than confirmSpeechMs has ended by then);
 * restoreAfterMs of frames in a row without the user, or maxPendingMs in all, restore the voice.
 * Every event carries `atMs`, the caller's clock when it fed what decided it.
 */
export class BargeInMachine {
  readonly config: BargeInConfig;
  private state: State = idle();
  /** Centres of the recent frames the gate called the user's, oldest first, within confirmWindowMs. */
  private readonly userFrames: number[] = [];
  /** The newest chunk's probability: speech still going on, as far as the VAD knows. */
  private lastProbability = 0;
  /** Centres of the user-like, not confirmable frames since the newest confirmable one, while the run of user-like frames is unbroken. */
  private readonly holeFrames: number[] = [];
  /** A confirmable frame began the current run of user-like frames (or lies in it): holes after it can be filled. */
  private afterConfirmable = false;

  constructor(config: Partial<BargeInConfig> = {}) {
    this.config = { ...DEFAULT_BARGE_IN_CONFIG, ...config };
    const { onsetThreshold, offsetThreshold, onsetFrames, confirmSpeechMs, confirmWindowMs, restoreAfterMs, maxPendingMs } = this.config;
    if (!(offsetThreshold > 0 && offsetThreshold <= onsetThreshold && onsetThreshold <= 1)) {
      throw new RangeError(`BargeInMachine: need 0 < offsetThreshold <= onsetThreshold <= 1`);
    }
    if (!(Number.isInteger(onsetFrames) && onsetFrames >= 1)) throw new RangeError(`BargeInMachine: onsetFrames must be an integer >= 1`);
    if (!(confirmSpeechMs > 0 && restoreAfterMs > 0 && confirmWindowMs >= confirmSpeechMs && maxPendingMs > confirmSpeechMs)) {
      throw new RangeError(`BargeInMachine: need confirmSpeechMs, restoreAfterMs > 0 and confirmWindowMs, maxPendingMs >= confirmSpeechMs`);
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

  /** Feeds the next frame's verdict, known at `atMs`; returns what to do. */
  pushFrame(frame: BargeInFrame, atMs: number): BargeInEvent[] {
    if (frame.confirmable) {
      this.userFrames.push(...this.holeFrames);
      this.userFrames.push(frame.centreMs);
      this.holeFrames.length = 0;
      this.afterConfirmable = true;
    } else if (this.config.fillHoles && frame.userLike && this.afterConfirmable) this.holeFrames.push(frame.centreMs);
    else {
      this.holeFrames.length = 0;
      this.afterConfirmable = false;
    }
    while (this.userFrames.length > 0 && this.userFrames[0]! <= frame.centreMs - this.config.confirmWindowMs) this.userFrames.shift();
    const state = this.state;
    switch (state.kind) {
      case 'idle':
        if (!frame.userLike) {
          state.runFrames = 0;
          return [];
        }
        if (state.runFrames++ === 0) state.runStartMs = frame.centreMs;
        return state.runFrames >= this.config.onsetFrames ? this.open(state.runStartMs, frame.playing, atMs) : [];
      case 'pending':
        return this.judge(state, frame, atMs);
      case 'confirmed':
        return [];
    }
  }

  /** Feeds the next VAD chunk's speech probability: it decides nothing by itself, the frames after it do. */
  pushChunk(probability: number): void {
    this.lastProbability = probability;
    const state = this.state;
    if (state.kind === 'pending' && probability >= this.config.onsetThreshold) state.vadAgreed = true;
    if (state.kind !== 'confirmed') return;
    state.quietMs = probability < this.config.offsetThreshold ? state.quietMs + CHUNK_MS : 0;
    if (state.quietMs >= this.config.confirmedPauseMs) this.state = idle();
  }

  /** The stream ended or restarted: a ducked voice comes back. */
  reset(atMs: number): BargeInEvent[] {
    const state = this.state;
    this.state = idle();
    this.lastProbability = 0;
    this.userFrames.length = 0;
    this.holeFrames.length = 0;
    this.afterConfirmable = false;
    return state.kind === 'pending' && state.ducked ? [{ type: 'restore', atMs, onsetMs: state.onsetMs }] : [];
  }

  private open(runStartMs: number, playing: boolean, atMs: number): BargeInEvent[] {
    const vadAgreed = this.lastProbability >= this.config.onsetThreshold;
    // The onset is the first of the user's frames still in the window: speech that began before a restore.
    const onsetMs = Math.min(runStartMs, this.userFrames[0] ?? runStartMs);
    this.state = { kind: 'pending', onsetMs, quietMs: 0, ducked: playing, playing, vadAgreed };
    return playing ? [{ type: 'duck', atMs }] : [];
  }

  private judge(state: Extract<State, { kind: 'pending' }>, frame: BargeInFrame, atMs: number): BargeInEvent[] {
    state.playing ||= frame.playing;
    state.quietMs = frame.userLike ? 0 : state.quietMs + FRAME_MS;
    const vadSpeech = this.lastProbability >= this.config.offsetThreshold;
    if (frame.confirmable && this.userFrames.length * FRAME_MS >= this.config.confirmSpeechMs && state.vadAgreed && vadSpeech) {
      this.state = { kind: 'confirmed', quietMs: 0 };
      return [{ type: 'confirmed', onsetMs: state.onsetMs, atMs, playing: state.playing }];
    }
    if (state.quietMs >= this.config.restoreAfterMs || frame.centreMs - state.onsetMs >= this.config.maxPendingMs) {
      this.state = idle();
      return state.ducked ? [{ type: 'restore', atMs, onsetMs: state.onsetMs }] : [];
    }
    return [];
  }
}
