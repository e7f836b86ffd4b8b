import { VAD_CHUNK_SAMPLES, VAD_SAMPLE_RATE_HZ } from '../models/vad/vadContract';
import type { TurnEndReason } from './turn';

/** Turn segmentation settings; every duration is rounded to whole 16 kHz samples. */
export interface SegmenterConfig {
  /** A chunk with probability >= this starts speech (when idle). */
  onsetThreshold: number;
  /** While speaking, a chunk with probability >= this still counts as speech (hysteresis: <= onsetThreshold). */
  offsetThreshold: number;
  /** A turn whose onset..offset span is shorter than this is a misfire (a cough, a click); the tail after a maxLength split is exempt. */
  minSpeechMs: number;
  /** Silence after the offset that ends a turn. */
  endSilenceMs: number;
  /** Silence after the offset that makes the turn's end likely (a `pause`): work on the turn may start; >= endSilenceMs: never. */
  pauseSilenceMs: number;
  /** Audio kept before the onset, so that Whisper hears the first phoneme's attack. */
  preSpeechPadMs: number;
  /** Longest padded span (padding + speech) of one turn: Whisper's 30 s window. */
  maxTurnMs: number;
}

/**
 * Defaults. 0.5 / 0.35 are Silero's own pair; 500 ms of silence sits with the 400-480 ms
 * that responsive voice agents use; 200 ms of padding covers a plosive's closure and the
 * VAD's reaction time (a few chunks) without pulling in much of the preceding silence. A pause of 200 ms
 * (about the gap between phrases) starts the turn's speech recognition early, 300 ms before the turn ends.
 */
export const DEFAULT_SEGMENTER_CONFIG: Readonly<SegmenterConfig> = Object.freeze({
  onsetThreshold: 0.5,
  offsetThreshold: 0.35,
  minSpeechMs: 250,
  endSilenceMs: 500,
  pauseSilenceMs: 200,
  preSpeechPadMs: 200,
  maxTurnMs: 30_000,
});

/** What the segmenter reports, in 16 kHz sample indices since the stream started. */
export type SegmenterEvent =
  /** Speech began (tentative: a misfire may follow). `continued` marks the turn that follows a maxLength split. */
  | { type: 'speechStart'; onsetSample: number; paddedStartSample: number; continued: boolean }
  /** A turn closed: the speech spans onsetSample..offsetSample, the kept audio paddedStartSample..offsetSample. */
  | { type: 'turnEnd'; onsetSample: number; offsetSample: number; paddedStartSample: number; reason: TurnEndReason }
  /** Speech too short to be a turn; it is dropped. */
  | { type: 'misfire'; onsetSample: number; offsetSample: number }
  /** pauseSilenceMs of silence ended a long enough speech span: if no speech follows, the turn will end exactly so. */
  | { type: 'pause'; onsetSample: number; offsetSample: number; paddedStartSample: number }
  /** Speech came back after a `pause`, before the turn ended: the turn goes on. */
  | { type: 'resume'; atSample: number };

/** Fills in defaults and rejects settings the state machine cannot honour. */
export function resolveSegmenterConfig(overrides: Partial<SegmenterConfig> = {}): SegmenterConfig {
  const config = { ...DEFAULT_SEGMENTER_CONFIG, ...overrides };
  const { onsetThreshold, offsetThreshold, minSpeechMs, endSilenceMs, pauseSilenceMs, preSpeechPadMs, maxTurnMs } = config;
  const problems: string[] = [];
  if (!(onsetThreshold > 0 && onsetThreshold <= 1)) problems.push(`onsetThreshold must lie in (0, 1], got ${onsetThreshold}`);
  if (!(offsetThreshold > 0 && offsetThreshold <= onsetThreshold)) {
    problems.push(`offsetThreshold must lie in (0, onsetThreshold], got ${offsetThreshold}`);
  }
  for (const [name, value] of [['minSpeechMs', minSpeechMs], ['preSpeechPadMs', preSpeechPadMs]] as const) {
    if (!(Number.isFinite(value) && value >= 0)) problems.push(`${name} must be a finite number >= 0, got ${value}`);
  }
  if (!(Number.isFinite(endSilenceMs) && endSilenceMs > 0)) problems.push(`endSilenceMs must be a finite number > 0, got ${endSilenceMs}`);
  if (!(pauseSilenceMs > 0)) problems.push(`pauseSilenceMs must be > 0 (Infinity: no pauses), got ${pauseSilenceMs}`);
  const chunkMs = (VAD_CHUNK_SAMPLES * 1000) / VAD_SAMPLE_RATE_HZ;
  if (!(Number.isFinite(maxTurnMs) && maxTurnMs >= preSpeechPadMs + Math.max(minSpeechMs, chunkMs))) {
    problems.push(`maxTurnMs must be a finite number >= preSpeechPadMs + max(minSpeechMs, ${chunkMs} ms), got ${maxTurnMs}`);
  }
  if (problems.length > 0) throw new RangeError(`Invalid segmenter config: ${problems.join('; ')}`);
  return config;
}

const msToSamples = (ms: number): number => Math.round((ms * VAD_SAMPLE_RATE_HZ) / 1000);

/**
 * Turn segmentation as a pure state machine: one VAD probability per 512-sample chunk in,
 * typed events out. Idle -> speaking when a chunk reaches onsetThreshold; speaking lasts
 * while chunks reach offsetThreshold, and ends after endSilenceMs below it.
 */
export class Segmenter {
  readonly config: SegmenterConfig;
  private readonly minSpeechSamples: number;
  private readonly endSilenceSamples: number;
  private readonly pauseSilenceSamples: number;
  private readonly preSpeechPadSamples: number;
  private readonly maxTurnSamples: number;
  /** Start sample of the next chunk. */
  private nextChunkSample = 0;
  /** Padding never reaches before this: the stream start or the previous turn's offset. */
  private paddingFloorSample = 0;
  private speaking = false;
  private onsetSample = 0;
  private paddedStartSample = 0;
  /** End of the last chunk that reached offsetThreshold. */
  private lastSpeechEndSample = 0;
  /** A turn continuing after a maxLength split is real speech already, so it cannot misfire. */
  private continued = false;
  /** A `pause` was reported for the current silence. */
  private paused = false;

  constructor(config: Partial<SegmenterConfig> = {}) {
    this.config = resolveSegmenterConfig(config);
    this.minSpeechSamples = msToSamples(this.config.minSpeechMs);
    this.endSilenceSamples = msToSamples(this.config.endSilenceMs);
    this.pauseSilenceSamples = msToSamples(this.config.pauseSilenceMs);
    this.preSpeechPadSamples = msToSamples(this.config.preSpeechPadMs);
    this.maxTurnSamples = msToSamples(this.config.maxTurnMs);
  }

  /** True while a turn is open. */
  get isSpeaking(): boolean {
    return this.speaking;
  }

  /** Starts a new stream whose first chunk begins at `firstChunkSample`; any open turn is forgotten. */
  reset(firstChunkSample = 0): void {
    this.nextChunkSample = firstChunkSample;
    this.paddingFloorSample = firstChunkSample;
    this.speaking = false;
    this.continued = false;
    this.paused = false;
  }

  /** Feeds the speech probability of the next 512-sample chunk. */
  push(probability: number): SegmenterEvent[] {
    const chunkStart = this.nextChunkSample;
    const chunkEnd = chunkStart + VAD_CHUNK_SAMPLES;
    this.nextChunkSample = chunkEnd;
    const events: SegmenterEvent[] = [];
    if (!this.speaking) {
      if (probability >= this.config.onsetThreshold) events.push(this.open(chunkStart, false));
      return events;
    }
    const isSpeech = probability >= this.config.offsetThreshold;
    if (chunkEnd - this.paddedStartSample > this.maxTurnSamples) {
      // This chunk would not fit in the turn: close it before the chunk; speech in the chunk continues in a new turn.
      events.push(this.close('maxLength'));
      if (isSpeech) events.push(this.open(chunkStart, true));
      else return events;
    }
    if (isSpeech) {
      if (this.paused) events.push({ type: 'resume', atSample: chunkStart });
      this.paused = false;
      this.lastSpeechEndSample = chunkEnd;
    } else if (chunkEnd - this.lastSpeechEndSample >= this.endSilenceSamples) {
      events.push(this.close('silence'));
    } else if (!this.paused && chunkEnd - this.lastSpeechEndSample >= this.pauseSilenceSamples && this.wouldBeTurn()) {
      this.paused = true;
      events.push({ type: 'pause', onsetSample: this.onsetSample, offsetSample: this.lastSpeechEndSample, paddedStartSample: this.paddedStartSample });
    }
    return events;
  }

  /**
   * The open turn's speech really began at `onsetSample` (its start was the assistant's own echo): the turn and its
   * padding start there instead. Ignored without an open turn or for a sample outside it.
   */
  moveOnset(onsetSample: number): void {
    if (!this.speaking || onsetSample <= this.onsetSample || onsetSample >= this.lastSpeechEndSample) return;
    this.onsetSample = onsetSample;
    this.paddedStartSample = Math.max(onsetSample - this.preSpeechPadSamples, this.paddingFloorSample);
  }

  /** End of stream: closes an open turn at its last speech chunk. */
  flush(): SegmenterEvent[] {
    return this.speaking ? [this.close('endOfStream')] : [];
  }

  /** The input vanished (microphone unplugged): closes an open turn cleanly, keeping what was heard. */
  inputLost(): SegmenterEvent[] {
    return this.speaking ? [this.close('inputLost')] : [];
  }

  /** Closed now, the turn would be a turn, not a misfire. */
  private wouldBeTurn(): boolean {
    return this.continued || this.lastSpeechEndSample - this.onsetSample >= this.minSpeechSamples;
  }

  private open(onsetSample: number, continued: boolean): SegmenterEvent {
    this.speaking = true;
    this.paused = false;
    this.continued = continued;
    this.onsetSample = onsetSample;
    this.paddedStartSample = Math.max(onsetSample - this.preSpeechPadSamples, this.paddingFloorSample);
    this.lastSpeechEndSample = onsetSample + VAD_CHUNK_SAMPLES;
    return { type: 'speechStart', onsetSample, paddedStartSample: this.paddedStartSample, continued };
  }

  private close(reason: TurnEndReason): SegmenterEvent {
    this.speaking = false;
    const onsetSample = this.onsetSample;
    const offsetSample = this.lastSpeechEndSample;
    this.paused = false;
    if (!this.wouldBeTurn()) {
      return { type: 'misfire', onsetSample, offsetSample };
    }
    this.paddingFloorSample = offsetSample;
    return { type: 'turnEnd', onsetSample, offsetSample, paddedStartSample: this.paddedStartSample, reason };
  }
}
