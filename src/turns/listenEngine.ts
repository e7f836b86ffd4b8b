import { CENTER_PAD_SAMPLES, HOP_SAMPLES, SAMPLE_RATE_HZ } from '../audio/dsp/constants';
import { powerToDb } from '../audio/dsp/energy';
import type { FeatureBatch } from '../audio/featureBatch';
import { turnEnergy } from '../conversation/strategy';
import { VAD_CHUNK_SAMPLES, type VoiceActivityDetector } from '../models/vad/vadContract';
import { buildWhisperLogMel } from './turnLogMel';
import { RingHistory } from './ringHistory';
import { Segmenter, type SegmenterConfig, type SegmenterEvent } from './segmenter';
import type { Turn, TurnEndReason } from './turn';

/** What the listening side tells the UI and the dialogue, in stream order. Times are ms since the stream started. */
export type ListenEvent =
  /** One VAD chunk (32 ms) scored; `atMs` is the chunk's end. Cheap: about 31 a second. */
  | { type: 'vad'; probability: number; atMs: number }
  /** Speech began (tentative until a `turn` or `misfire`); `continued` after a 30 s split, so barge-in fires once. */
  | { type: 'speechStart'; onsetMs: number; continued: boolean }
  /** Speech too short to be a turn; it is dropped. */
  | { type: 'misfire'; onsetMs: number; offsetMs: number }
  /** A finished turn with its audio and features. */
  | { type: 'turn'; turn: Turn }
  /**
   * A pause (pauseSilenceMs) ended the speech: the turn as it will be if no speech follows, same index, audio and
   * features (its `turn` event comes endSilenceMs after the offset). Work on it may start, at the risk of `speechResumed`.
   */
  | { type: 'tentativeTurn'; turn: Turn }
  /** Speech came back after a `tentativeTurn`: that turn goes on, and what was started on it is void. */
  | { type: 'speechResumed'; atMs: number };

export interface ListenEngineOptions {
  vad: VoiceActivityDetector;
  /** Overrides of DEFAULT_SEGMENTER_CONFIG. */
  segmenter?: Partial<SegmenterConfig>;
  /** Mel bins of the incoming frames (80, or 128 for Whisper large-v3). */
  nMels: number;
}

/** History kept beyond the longest turn + end silence, for frames that arrive after their PCM (look-ahead, batching). */
const HISTORY_SLACK_SAMPLES = SAMPLE_RATE_HZ;

/** A closed turn that waits for the feature frames up to its offset. */
interface PendingTurn {
  onsetSample: number;
  offsetSample: number;
  paddedStartSample: number;
  reason: TurnEndReason;
  /** The stream position when the segmenter closed the turn. */
  decidedSample: number;
}

const samplesToMs = (samples: number): number => (samples * 1000) / SAMPLE_RATE_HZ;

/** First frame whose centre (frame i is centred on sample i * 160) lies at or after `sample`. */
const firstFrameFrom = (sample: number): number => Math.ceil(sample / HOP_SAMPLES);

/**
 * Turns a stream of feature batches into turns: chunks the 16 kHz PCM for the VAD, runs the
 * segmenter, and cuts each turn's PCM, log-mel and energy out of bounded histories, so memory
 * does not grow with the stream's length. Calls must not overlap: await each push() before the next call.
 */
export class ListenEngine {
  private readonly vad: VoiceActivityDetector;
  private readonly segmenter: Segmenter;
  private readonly nMels: number;
  private readonly pcm: RingHistory;
  private readonly logMel: RingHistory;
  private readonly energy: RingHistory;
  /** The VAD chunk being filled; the VAD reads it before the next sample is written. */
  private readonly chunk = new Float32Array(VAD_CHUNK_SAMPLES);
  private chunkFill = 0;
  /** False until the first batch of a stream fixes the sample and frame origin. */
  private streaming = false;
  /** First frame of the stream: padding may reach back to the stream start, not further. */
  private streamFirstFrame = 0;
  private readonly pending: PendingTurn[] = [];
  /** A paused turn waiting for the frames up to its offset, to be reported as tentative. */
  private pendingTentative: PendingTurn | null = null;
  /** A tentativeTurn was reported for the open turn's current pause. */
  private tentativeReported = false;
  private nextTurnIndex = 0;
  /** True while push() awaits the VAD: the state is mid-update then. */
  private pushing = false;

  constructor(options: ListenEngineOptions) {
    if (!(Number.isInteger(options.nMels) && options.nMels > 0)) throw new RangeError(`ListenEngine: nMels must be a positive integer, got ${options.nMels}`);
    this.vad = options.vad;
    this.segmenter = new Segmenter(options.segmenter);
    this.nMels = options.nMels;
    const { maxTurnMs, endSilenceMs } = this.segmenter.config;
    // A silence-closed turn ends endSilenceMs (+ a chunk) before the newest sample and spans at most maxTurnMs.
    const pcmCapacity = Math.ceil(((maxTurnMs + endSilenceMs) * SAMPLE_RATE_HZ) / 1000) + 2 * VAD_CHUNK_SAMPLES + HISTORY_SLACK_SAMPLES;
    const frameCapacity = Math.ceil(pcmCapacity / HOP_SAMPLES) + 2;
    this.pcm = new RingHistory(pcmCapacity);
    this.logMel = new RingHistory(frameCapacity, this.nMels);
    this.energy = new RingHistory(frameCapacity);
  }

  /** Consumes one batch and reports what it completed. The batch is copied before push() first yields: the producer may reuse it. */
  async push(batch: FeatureBatch): Promise<ListenEvent[]> {
    this.assertIdle('push');
    this.checkBatch(batch);
    const own: FeatureBatch = { ...batch, pcm16k: batch.pcm16k.slice(), logMel: batch.logMel.slice(), energy: batch.energy.slice() };
    this.pushing = true;
    try {
      return await this.consume(own);
    } finally {
      this.pushing = false;
    }
  }

  private async consume(batch: FeatureBatch): Promise<ListenEvent[]> {
    if (!this.streaming) this.startStream(batch.firstSample, batch.firstFrame);
    const events: ListenEvent[] = [];
    let framesTaken = 0;
    let offset = 0;
    while (offset < batch.pcm16k.length) {
      const take = Math.min(VAD_CHUNK_SAMPLES - this.chunkFill, batch.pcm16k.length - offset);
      this.chunk.set(batch.pcm16k.subarray(offset, offset + take), this.chunkFill);
      this.pcm.append(batch.pcm16k, offset, take);
      this.chunkFill += take;
      offset += take;
      if (this.chunkFill < VAD_CHUNK_SAMPLES) break;
      this.chunkFill = 0;
      // Frames computed from PCM up to here go in before the segmenter can close a turn that needs them.
      framesTaken = this.takeFrames(batch, framesTaken, this.framesComputedBefore(this.pcm.endIndex));
      const probability = await this.vad.probability(this.chunk);
      events.push({ type: 'vad', probability, atMs: samplesToMs(this.pcm.endIndex) });
      this.handle(this.segmenter.push(probability), events);
      this.completeTurns(events, false);
    }
    this.takeFrames(batch, framesTaken, batch.firstFrame + batch.energy.length);
    this.completeTurns(events, false);
    return events;
  }

  /** End of stream: closes an open turn and emits every pending one. The next batch starts a new stream. */
  async flush(): Promise<ListenEvent[]> {
    this.assertIdle('flush');
    return this.endStream(this.segmenter.flush());
  }

  /** The microphone vanished: closes an open turn (reason inputLost) with the audio heard so far. The next batch starts a new stream. */
  inputLost(): ListenEvent[] {
    this.assertIdle('inputLost');
    return this.endStream(this.segmenter.inputLost());
  }

  /** The open turn's speech began at `onsetMs` (what came before was echo): it starts there; between pushes only. */
  moveTurnOnset(onsetMs: number): void {
    this.assertIdle('moveTurnOnset');
    this.segmenter.moveOnset(Math.round((onsetMs * SAMPLE_RATE_HZ) / 1000));
  }

  /** Forgets everything, including the turn count: a new dialogue. */
  reset(): void {
    this.assertIdle('reset');
    this.streaming = false;
    this.pending.length = 0;
    this.forgetTentative();
    this.nextTurnIndex = 0;
    this.vad.reset();
  }

  private assertIdle(caller: string): void {
    if (this.pushing) throw new Error(`ListenEngine: ${caller}() called while a push() is still running; await it first`);
  }

  private checkBatch(batch: FeatureBatch): void {
    if (batch.nMels !== this.nMels) throw new Error(`ListenEngine: expected ${this.nMels} mel bins, got a batch with ${batch.nMels}`);
    if (batch.logMel.length !== batch.energy.length * this.nMels) {
      throw new Error(`ListenEngine: ${batch.energy.length} energies but ${batch.logMel.length} log-mel values (${this.nMels} per frame)`);
    }
    if (!this.streaming) return;
    if (batch.firstSample !== this.pcm.endIndex) {
      throw new Error(`ListenEngine: PCM is not contiguous: expected sample ${this.pcm.endIndex}, got ${batch.firstSample}`);
    }
    if (batch.firstFrame !== this.energy.endIndex) {
      throw new Error(`ListenEngine: frames are not contiguous: expected frame ${this.energy.endIndex}, got ${batch.firstFrame}`);
    }
  }

  private startStream(firstSample: number, firstFrame: number): void {
    this.streaming = true;
    this.streamFirstFrame = firstFrame;
    this.pcm.restart(firstSample);
    this.logMel.restart(firstFrame);
    this.energy.restart(firstFrame);
    this.chunkFill = 0;
    this.forgetTentative();
    this.segmenter.reset(firstSample);
    this.vad.reset();
  }

  private endStream(closing: SegmenterEvent[]): ListenEvent[] {
    const events: ListenEvent[] = [];
    this.handle(closing, events);
    this.completeTurns(events, true);
    // The partial VAD chunk (< 32 ms) is dropped with the stream.
    this.streaming = false;
    this.vad.reset();
    return events;
  }

  /** End index of the frames whose window (centre +- 200 samples) lies before `pcmEnd`: those a causal producer has computed. */
  private framesComputedBefore(pcmEnd: number): number {
    return Math.floor((pcmEnd - CENTER_PAD_SAMPLES) / HOP_SAMPLES) + 1;
  }

  /** Appends the batch's frames up to absolute index `untilFrame`; returns how many of them are taken. */
  private takeFrames(batch: FeatureBatch, taken: number, untilFrame: number): number {
    const upTo = Math.min(batch.energy.length, Math.max(taken, untilFrame - batch.firstFrame));
    if (upTo === taken) return taken;
    this.logMel.append(batch.logMel, taken, upTo - taken);
    this.energy.append(batch.energy, taken, upTo - taken);
    return upTo;
  }

  private handle(segmenterEvents: readonly SegmenterEvent[], events: ListenEvent[]): void {
    for (const event of segmenterEvents) {
      switch (event.type) {
        case 'speechStart':
          events.push({ type: 'speechStart', onsetMs: samplesToMs(event.onsetSample), continued: event.continued });
          break;
        case 'misfire':
          events.push({ type: 'misfire', onsetMs: samplesToMs(event.onsetSample), offsetMs: samplesToMs(event.offsetSample) });
          break;
        case 'turnEnd':
          this.forgetTentative();
          this.pending.push({ ...event, decidedSample: this.pcm.endIndex });
          break;
        case 'pause':
          this.pendingTentative = { ...event, reason: 'silence', decidedSample: this.pcm.endIndex };
          break;
        case 'resume':
          if (this.tentativeReported) events.push({ type: 'speechResumed', atMs: samplesToMs(event.atSample) });
          this.forgetTentative();
          break;
      }
    }
  }

  private forgetTentative(): void {
    this.pendingTentative = null;
    this.tentativeReported = false;
  }

  /** Builds pending turns, in order, once the frame on or before their offset has arrived (or at end of stream). */
  private completeTurns(events: ListenEvent[], endOfStream: boolean): void {
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      if (!endOfStream && this.energy.endIndex < firstFrameFrom(next.offsetSample)) return;
      this.pending.shift();
      events.push({ type: 'turn', turn: this.buildTurn(next, this.nextTurnIndex++) });
    }
    const tentative = this.pendingTentative;
    if (tentative && this.energy.endIndex >= firstFrameFrom(tentative.offsetSample)) {
      // The index the turn will take: the tentative turn is that turn, built early.
      events.push({ type: 'tentativeTurn', turn: this.buildTurn(tentative, this.nextTurnIndex) });
      this.pendingTentative = null;
      this.tentativeReported = true;
    }
  }

  private buildTurn({ onsetSample, offsetSample, paddedStartSample, reason, decidedSample }: PendingTurn, index: number): Turn {
    const pcm16k = new Float32Array(offsetSample - paddedStartSample);
    this.pcm.copyRows(paddedStartSample, offsetSample, pcm16k);
    const firstFrame = Math.max(firstFrameFrom(paddedStartSample), this.streamFirstFrame);
    // At end of stream the last frames (look-ahead) may never come: the turn keeps the frames that did.
    const endFrame = Math.min(firstFrameFrom(offsetSample), this.energy.endIndex);
    const frameCount = Math.max(0, endFrame - firstFrame);
    const frameMajorLogMel = new Float32Array(frameCount * this.nMels);
    this.logMel.copyRows(firstFrame, firstFrame + frameCount, frameMajorLogMel);
    const energy = new Float32Array(frameCount);
    this.energy.copyRows(firstFrame, firstFrame + frameCount, energy);
    const speechFrames = new Uint8Array(frameCount);
    speechFrames.fill(1, Math.max(0, firstFrameFrom(onsetSample) - firstFrame), frameCount);
    const energyMean = turnEnergy(energy, speechFrames);
    return {
      index,
      startMs: samplesToMs(onsetSample),
      endMs: samplesToMs(offsetSample),
      paddedStartMs: samplesToMs(paddedStartSample),
      paddedEndMs: samplesToMs(offsetSample),
      pcm16k,
      nMels: this.nMels,
      frameCount,
      logMel: buildWhisperLogMel(frameMajorLogMel, this.nMels),
      energy,
      speechFrames,
      energyMean,
      energyDb: powerToDb(energyMean),
      endReason: reason,
      decidedAtMs: samplesToMs(decidedSample),
    };
  }
}
