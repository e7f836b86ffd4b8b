/** Ramp when sound starts from silence (first chunk, or after an underrun): long enough to avoid a click, short enough to keep onsets. */
export const FADE_IN_MS = 5;
/** Ramp on stop() (barge-in): click-free and far below the 150 ms budget. */
export const FADE_OUT_MS = 8;
/** A barge-in onset ducks the voice by this much, over this ramp: clearly quieter at once, and nothing lost if it was not the user. */
export const DUCK_DB = -15;
export const DUCK_RAMP_MS = 10;
/** Queue capacity: a whole long reply at 48 kHz (11.5 MB of Float32). */
export const CAPACITY_SECONDS = 60;
/** Chunks the queue can hold at once (sentences; far more than a reply has queued). */
export const MAX_QUEUED_CHUNKS = 256;
/** Level reported for digital silence. */
export const SILENCE_LEVEL_DB = -100;

const SILENCE_RMS = 10 ** (SILENCE_LEVEL_DB / 20);

export interface PlayerCoreOptions {
  outputRateHz: number;
  fadeInMs?: number;
  fadeOutMs?: number;
  capacitySeconds?: number;
  maxQueuedChunks?: number;
}

/** Something that happened during render(), read once by takeEvent(). */
export type PlayerEvent = 'drained' | 'stopped';

/**
 * The player's audio-thread logic: a ring buffer of PCM at the output rate, played gaplessly in
 * enqueue order. render() never allocates. enqueue() rejects (returns false, queue unchanged) a
 * chunk that does not fit, so overflow never corrupts queued audio.
 */
export class PlayerCore {
  readonly outputRateHz: number;
  readonly capacitySamples: number;
  /** Id of the chunk being played, or -1 when nothing is. */
  playingChunkId = -1;
  /** Samples of the playing chunk already rendered. */
  playedSamplesOfChunk = 0;
  /** RMS of the last rendered block in dBFS (SILENCE_LEVEL_DB floor). */
  levelDb = SILENCE_LEVEL_DB;
  private readonly ring: Float32Array;
  private readonly fadeInStep: number;
  private readonly fadeOutStep: number;
  private readIndex = 0;
  private queuedSamples = 0;
  private readonly chunkIds: Int32Array;
  private readonly chunkLengths: Int32Array;
  private headChunk = 0;
  /** Samples of the head chunk already consumed. */
  private headPlayedSamples = 0;
  private queuedChunks = 0;
  private gain = 0;
  /** Barge-in duck: the output gain and where it ramps to (1, or DUCK_DB while an onset awaits confirmation). */
  private duckGain = 1;
  private duckTarget = 1;
  private readonly duckStep: number;
  /** Playing: some block since the last silence had sound; a later empty queue is an underrun. */
  private playing = false;
  /** Chunks queued before stop() that the fade-out drops when it ends; -1 when not stopping. */
  private staleChunks = -1;
  private pendingEvent: PlayerEvent | null = null;

  constructor({ outputRateHz, fadeInMs = FADE_IN_MS, fadeOutMs = FADE_OUT_MS, capacitySeconds = CAPACITY_SECONDS, maxQueuedChunks = MAX_QUEUED_CHUNKS }: PlayerCoreOptions) {
    this.outputRateHz = outputRateHz;
    this.capacitySamples = Math.ceil(capacitySeconds * outputRateHz);
    this.ring = new Float32Array(this.capacitySamples);
    this.fadeInStep = 1 / Math.max(1, Math.round((fadeInMs / 1000) * outputRateHz));
    this.fadeOutStep = 1 / Math.max(1, Math.round((fadeOutMs / 1000) * outputRateHz));
    this.duckStep = (1 - 10 ** (DUCK_DB / 20)) / Math.max(1, Math.round((DUCK_RAMP_MS / 1000) * outputRateHz));
    this.chunkIds = new Int32Array(maxQueuedChunks);
    this.chunkLengths = new Int32Array(maxQueuedChunks);
  }

  /** Samples waiting to be played. */
  get bufferedSamples(): number {
    return this.queuedSamples;
  }

  /** Whether a stop() fade-out is in progress. */
  get stopping(): boolean {
    return this.staleChunks >= 0;
  }

  /** Queues a chunk after everything queued; false (and nothing queued) when it does not fit. */
  enqueue(samples: Float32Array, chunkId: number): boolean {
    if (samples.length === 0) return true;
    if (this.queuedSamples + samples.length > this.capacitySamples || this.queuedChunks === this.chunkIds.length) return false;
    const writeIndex = (this.readIndex + this.queuedSamples) % this.capacitySamples;
    const firstPart = Math.min(samples.length, this.capacitySamples - writeIndex);
    this.ring.set(firstPart === samples.length ? samples : samples.subarray(0, firstPart), writeIndex);
    if (firstPart < samples.length) this.ring.set(samples.subarray(firstPart), 0);
    this.queuedSamples += samples.length;
    const slot = (this.headChunk + this.queuedChunks) % this.chunkIds.length;
    this.chunkIds[slot] = chunkId;
    this.chunkLengths[slot] = samples.length;
    this.queuedChunks++;
    return true;
  }

  /** Fades out what is playing, then drops everything queued before this call; 'stopped' follows. */
  stop(): void {
    if (this.stopping) return;
    this.staleChunks = this.queuedChunks;
    // Nothing audible or nothing left: no fade needed, drop at once.
    if (!this.playing || this.gain === 0 || this.queuedChunks === 0) this.finishStop();
  }

  /** Ducks the voice by DUCK_DB (an onset while it plays) or brings it back, over DUCK_RAMP_MS. */
  setDucked(ducked: boolean): void {
    this.duckTarget = ducked ? 10 ** (DUCK_DB / 20) : 1;
  }

  /** The event of the last render() (or stop()), once; null when there is none. */
  takeEvent(): PlayerEvent | null {
    const event = this.pendingEvent;
    this.pendingEvent = null;
    return event;
  }

  /** Fills `out` (any length; the worklet passes 128) with the next samples, silence when empty. */
  render(out: Float32Array): void {
    let sumSquares = 0;
    for (let i = 0; i < out.length; i++) {
      const canPlay = this.stopping ? this.staleChunks > 0 : this.queuedSamples > 0;
      if (!canPlay) {
        out[i] = 0;
        if (this.playing && !this.stopping) this.underrun();
        continue;
      }
      if (this.stopping) {
        this.gain = Math.max(0, this.gain - this.fadeOutStep);
      } else if (this.gain < 1) {
        this.gain = Math.min(1, this.gain + this.fadeInStep);
      }
      this.playing = true;
      if (this.duckGain !== this.duckTarget) {
        this.duckGain = this.duckGain > this.duckTarget ? Math.max(this.duckTarget, this.duckGain - this.duckStep) : Math.min(this.duckTarget, this.duckGain + this.duckStep);
      }
      const sample = this.ring[this.readIndex]! * this.gain * this.duckGain;
      out[i] = sample;
      sumSquares += sample * sample;
      this.advance();
      if (this.stopping && (this.gain === 0 || this.staleChunks === 0)) this.finishStop();
    }
    const rms = out.length > 0 ? Math.sqrt(sumSquares / out.length) : 0;
    this.levelDb = rms > SILENCE_RMS ? 20 * Math.log10(rms) : SILENCE_LEVEL_DB;
  }

  /** Consumes one sample from the ring and the head chunk. */
  private advance(): void {
    this.readIndex = this.readIndex + 1 === this.capacitySamples ? 0 : this.readIndex + 1;
    this.queuedSamples--;
    this.headPlayedSamples++;
    // Reported per sample rendered, so a block ending on a chunk's end reports it complete.
    this.playingChunkId = this.chunkIds[this.headChunk]!;
    this.playedSamplesOfChunk = this.headPlayedSamples;
    if (this.headPlayedSamples === this.chunkLengths[this.headChunk]) this.popHeadChunk();
  }

  private popHeadChunk(): void {
    this.headChunk = (this.headChunk + 1) % this.chunkIds.length;
    this.queuedChunks--;
    this.headPlayedSamples = 0;
    if (this.staleChunks > 0) this.staleChunks--;
  }

  /** The queue ran dry while playing: report it; the next sound fades in from silence. */
  private underrun(): void {
    this.playing = false;
    this.gain = 0;
    this.playingChunkId = -1;
    this.playedSamplesOfChunk = 0;
    this.pendingEvent = 'drained';
  }

  /** Drops the chunks queued before stop(), keeping any enqueued since. */
  private finishStop(): void {
    while (this.staleChunks > 0) {
      const remaining = this.chunkLengths[this.headChunk]! - this.headPlayedSamples;
      this.readIndex = (this.readIndex + remaining) % this.capacitySamples;
      this.queuedSamples -= remaining;
      this.popHeadChunk();
    }
    this.staleChunks = -1;
    this.playing = false;
    this.gain = 0;
    this.playingChunkId = -1;
    this.playedSamplesOfChunk = 0;
    // A barge-in stopped the ducked voice: the next reply starts at full level.
    this.duckGain = 1;
    this.duckTarget = 1;
    this.pendingEvent = 'stopped';
  }
}
