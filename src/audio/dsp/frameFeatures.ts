import { CENTER_PAD_SAMPLES, HOP_SAMPLES, LOG_MEL_FLOOR, N_FFT, N_MELS_DEFAULT } from './constants';
import { frameEnergy } from './energy';
import { RealPowerSpectrum } from './fft';
import { MelFilterbank } from './melFilterbank';
import { periodicHann } from './window';

/** Receives one frame; `logMel` is an internal buffer, valid only during the call. */
export type FrameCallback = (frameIndex: number, logMel: Float32Array, energy: number) => void;

export interface StreamingFrameFeaturesOptions {
  nMels?: number;
  onFrame: FrameCallback;
}

/** Largest piece of pushed audio buffered at once; longer pushes are consumed in pieces. */
const CHUNK_SAMPLES = 4096;

/**
 * Whisper's framing over a 16 kHz stream: frame i is the periodic-Hann-windowed 400 samples
 * centred on sample i * 160, reflect-padded before the start (sample -k = sample k) and
 * zero-padded after the end (Whisper pads to 30 s with zeros); emits log10 power mel + energy.
 * push() allocates nothing.
 */
export class StreamingFrameFeatures {
  readonly nMels: number;
  private readonly onFrame: FrameCallback;
  private readonly window = periodicHann(N_FFT);
  private readonly spectrum = new RealPowerSpectrum(N_FFT);
  private readonly filterbank: MelFilterbank;
  private readonly frame = new Float64Array(N_FFT);
  private readonly power = new Float64Array(N_FFT / 2 + 1);
  private readonly powerMel: Float32Array;
  private readonly logMel: Float32Array;
  /** Samples kept for frames not yet emitted; buffer[0] is absolute sample bufferStart. */
  private readonly buffer = new Float32Array(N_FFT + CHUNK_SAMPLES);
  private bufferStart = 0;
  private bufferLength = 0;
  private sampleCount = 0;
  private frameCount = 0;

  constructor({ nMels = N_MELS_DEFAULT, onFrame }: StreamingFrameFeaturesOptions) {
    this.nMels = nMels;
    this.onFrame = onFrame;
    this.filterbank = new MelFilterbank({ nMels });
    this.powerMel = new Float32Array(nMels);
    this.logMel = new Float32Array(nMels);
  }

  /** Samples pushed so far. */
  get samplesPushed(): number {
    return this.sampleCount;
  }

  /** Frames emitted so far. */
  get framesEmitted(): number {
    return this.frameCount;
  }

  /** Total samples needed before the next frame can be emitted (its right edge; frame 0 also reflects sample 200). */
  get samplesForNextFrame(): number {
    return Math.max(this.frameCount * HOP_SAMPLES + CENTER_PAD_SAMPLES, CENTER_PAD_SAMPLES + 1);
  }

  /** Appends 16 kHz samples[start..end) (any length) and emits every frame they complete. */
  push(samples: Float32Array, start = 0, end = samples.length): void {
    let consumed = start;
    while (consumed < end) {
      const piece = Math.min(end - consumed, this.buffer.length - this.bufferLength);
      for (let i = 0; i < piece; i++) this.buffer[this.bufferLength + i] = samples[consumed + i]!;
      this.bufferLength += piece;
      this.sampleCount += piece;
      consumed += piece;
      while (this.sampleCount >= this.samplesForNextFrame) this.emitFrame();
      this.compact();
    }
  }

  /** Ends the stream: emits the frames that need zeros after the end, up to floor(samples / 160) in total. */
  flush(): void {
    const totalFrames = Math.floor(this.sampleCount / HOP_SAMPLES);
    while (this.frameCount < totalFrames) this.emitFrame();
  }

  /** Forgets the stream. */
  reset(): void {
    this.bufferStart = 0;
    this.bufferLength = 0;
    this.sampleCount = 0;
    this.frameCount = 0;
  }

  private emitFrame(): void {
    const { frame, window, buffer, bufferStart, sampleCount } = this;
    const first = this.frameCount * HOP_SAMPLES - CENTER_PAD_SAMPLES;
    for (let j = 0; j < N_FFT; j++) {
      const index = first + j < 0 ? -(first + j) : first + j;
      frame[j] = index < sampleCount ? buffer[index - bufferStart]! * window[j]! : 0;
    }
    this.spectrum.compute(frame, this.power);
    this.filterbank.apply(this.power, this.powerMel);
    for (let m = 0; m < this.nMels; m++) this.logMel[m] = Math.log10(Math.max(this.powerMel[m]!, LOG_MEL_FLOOR));
    this.onFrame(this.frameCount, this.logMel, frameEnergy(this.powerMel));
    this.frameCount++;
  }

  /** Drops samples before the next frame's left edge (keeping 1..200 while frames 0 and 1 reflect them). */
  private compact(): void {
    const keepFrom = Math.max(this.frameCount * HOP_SAMPLES - CENTER_PAD_SAMPLES, 0) - this.bufferStart;
    if (keepFrom <= 0) return;
    const drop = Math.min(keepFrom, this.bufferLength);
    this.buffer.copyWithin(0, drop, this.bufferLength);
    this.bufferLength -= drop;
    this.bufferStart += drop;
  }
}
