import { SAMPLE_RATE_HZ } from './constants';
import { FLOAT_BYTES, instantiateSimdDot, SIMD_TAP_MULTIPLE, type DotProduct } from './simdDotProduct';

/**
 * Design (Kaiser-windowed sinc, one kernel shared by up- and down-sampling):
 * - stop edge at the lower Nyquist (8 kHz when going to 16 kHz), pass edge at 90 % of it
 *   (7.2 kHz), cutoff half way; aliases of anything above 8 kHz are attenuated by the stop band;
 * - Kaiser beta and length from Kaiser's formulas for STOPBAND_DESIGN_DB (a margin over the 70 dB
 *   required; its pass-band ripple is the same tiny delta, far below 0.1 dB);
 * - polyphase over L phases for a reduced ratio L/M (44.1 -> 16 kHz: 160/441, 48 -> 16 kHz: 1/3);
 * - output sample j is the kernel centred exactly at input time j * M / L, so the FIR group
 *   delay is compensated; input before the stream start and after flush() is taken as zero.
 */
const STOPBAND_DESIGN_DB = 75;
const PASS_EDGE_FRACTION_OF_NYQUIST = 0.9;
/** Largest input piece copied into the history at once; longer inputs are processed in pieces. */
const CHUNK_SAMPLES = 4096;

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 50 && term > sum * 1e-17; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
  }
  return sum;
}

export interface StreamingResamplerOptions {
  /** Use the wasm SIMD kernel when the runtime has it (default true); false forces the scalar JS loop. */
  useSimd?: boolean;
}

/** Streaming rational-ratio resampler; process() and flush() allocate nothing. */
export class StreamingResampler {
  readonly inputRateHz: number;
  readonly outputRateHz: number;
  /** Upsampling factor L of the reduced ratio L/M. */
  readonly upFactor: number;
  /** Downsampling factor M of the reduced ratio L/M. */
  readonly downFactor: number;
  /** Kernel half-width in input samples: the look-ahead before an output can be produced. */
  readonly halfTaps: number;
  /** Whether the wasm SIMD kernel runs the FIR (else a scalar JS loop). */
  readonly usesSimd: boolean;
  private readonly tapsPerPhase: number;
  /** coefficients[p * tapsPerPhase + i] weighs input n0 - halfTaps + 1 + i for phase p (zero-padded taps at the end). */
  private readonly coefficients: Float32Array;
  private readonly history: Float32Array;
  private readonly dot: DotProduct | null;
  /** Absolute input index of history[0]. */
  private historyStart = 0;
  private historyLength = 0;
  private inputCount = 0;
  private outputCount = 0;
  /** floor(outputCount * M / L) and (outputCount * M) mod L: the next output's input position. */
  private baseInput = 0;
  private phase = 0;
  private readonly passthrough: boolean;

  constructor(inputRateHz: number, outputRateHz: number = SAMPLE_RATE_HZ, { useSimd = true }: StreamingResamplerOptions = {}) {
    if (!Number.isInteger(inputRateHz) || !Number.isInteger(outputRateHz) || inputRateHz <= 0 || outputRateHz <= 0) {
      throw new Error(`sample rates must be positive integers, got ${inputRateHz} -> ${outputRateHz}`);
    }
    this.inputRateHz = inputRateHz;
    this.outputRateHz = outputRateHz;
    const divisor = greatestCommonDivisor(inputRateHz, outputRateHz);
    this.upFactor = outputRateHz / divisor;
    this.downFactor = inputRateHz / divisor;
    this.passthrough = inputRateHz === outputRateHz;

    const stopEdgeHz = Math.min(inputRateHz, outputRateHz) / 2;
    const passEdgeHz = PASS_EDGE_FRACTION_OF_NYQUIST * stopEdgeHz;
    const cutoff = (passEdgeHz + stopEdgeHz) / 2 / inputRateHz;
    const transition = (stopEdgeHz - passEdgeHz) / inputRateHz;
    const taps = Math.ceil((STOPBAND_DESIGN_DB - 7.95) / (14.36 * transition));
    this.halfTaps = this.passthrough ? 0 : Math.ceil(taps / 2);
    const beta = 0.1102 * (STOPBAND_DESIGN_DB - 8.7);
    this.tapsPerPhase = Math.ceil((2 * this.halfTaps) / SIMD_TAP_MULTIPLE) * SIMD_TAP_MULTIPLE;

    const coefficientCount = this.upFactor * this.tapsPerPhase;
    const historyCount = this.tapsPerPhase + CHUNK_SAMPLES;
    const simd = useSimd && !this.passthrough ? instantiateSimdDot(coefficientCount + historyCount) : null;
    this.dot = simd ? simd.dot : null;
    this.usesSimd = simd !== null;
    const buffer = simd ? simd.buffer : new ArrayBuffer((coefficientCount + historyCount) * FLOAT_BYTES);
    this.coefficients = new Float32Array(buffer, 0, coefficientCount);
    this.history = new Float32Array(buffer, coefficientCount * FLOAT_BYTES, historyCount);

    const i0Beta = besselI0(beta);
    const row = new Float64Array(2 * this.halfTaps);
    for (let p = 0; p < this.upFactor && !this.passthrough; p++) {
      let phaseSum = 0;
      for (let i = 0; i < row.length; i++) {
        // Distance in input samples from the output instant to input sample n0 - halfTaps + 1 + i.
        const tau = p / this.upFactor + this.halfTaps - 1 - i;
        const u = tau / this.halfTaps;
        const kaiser = Math.abs(u) < 1 ? besselI0(beta * Math.sqrt(1 - u * u)) / i0Beta : 0;
        const x = 2 * cutoff * tau;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        row[i] = 2 * cutoff * sinc * kaiser;
        phaseSum += row[i]!;
      }
      // Each phase sums to exactly 1 so DC passes unchanged at every fractional delay.
      for (let i = 0; i < row.length; i++) this.coefficients[p * this.tapsPerPhase + i] = row[i]! / phaseSum;
    }
    this.reset();
  }

  /** Samples process(input of inputLength) may write at most; flush() needs maxOutputLength(0). */
  maxOutputLength(inputLength: number): number {
    if (this.passthrough) return inputLength;
    return Math.ceil(((inputLength + this.halfTaps + 1) * this.upFactor) / this.downFactor) + 1;
  }

  /** Total output samples for a stream of `inputLength` samples: round(N * L / M), halves up. */
  outputLengthFor(inputLength: number): number {
    return Math.floor((2 * inputLength * this.upFactor + this.downFactor) / (2 * this.downFactor));
  }

  /** Forgets the stream (also needed after flush()): the next sample is input time 0 again. */
  reset(): void {
    this.history.fill(0);
    // halfTaps zeros stand for the input before the stream starts.
    this.historyStart = -this.halfTaps;
    this.historyLength = this.halfTaps;
    this.inputCount = 0;
    this.outputCount = 0;
    this.baseInput = 0;
    this.phase = 0;
  }

  /** Resamples `input` into `output` (capacity maxOutputLength(input.length)); returns samples written. */
  process(input: Float32Array, output: Float32Array): number {
    if (this.passthrough) {
      output.set(input);
      this.inputCount += input.length;
      this.outputCount += input.length;
      return input.length;
    }
    let written = 0;
    let consumed = 0;
    // Pieces keep tapsPerPhase samples of room after the last stored one: padded taps read there.
    const capacity = this.history.length - (this.tapsPerPhase - 2 * this.halfTaps);
    while (consumed < input.length) {
      const piece = Math.min(input.length - consumed, capacity - this.historyLength);
      for (let i = 0; i < piece; i++) this.history[this.historyLength + i] = input[consumed + i]!;
      this.historyLength += piece;
      this.inputCount += piece;
      consumed += piece;
      written += this.emit(output, written, this.inputCount - 1 - this.halfTaps, Number.POSITIVE_INFINITY);
      this.compact();
    }
    return written;
  }

  /** Emits the tail (input after the stream's end taken as zero) so the total is outputLengthFor(inputs). */
  flush(output: Float32Array): number {
    if (this.passthrough) return 0;
    const target = this.outputLengthFor(this.inputCount);
    let written = 0;
    while (this.outputCount < target) {
      const piece = Math.min(this.halfTaps + 1, this.history.length - this.tapsPerPhase - this.historyLength);
      this.history.fill(0, this.historyLength, this.historyLength + piece);
      this.historyLength += piece;
      const lastInput = this.historyStart + this.historyLength - 1;
      written += this.emit(output, written, lastInput - this.halfTaps, target);
      this.compact();
    }
    return written;
  }

  /** Computes outputs whose base input index is <= maxBaseInput, up to output index limit. */
  private emit(output: Float32Array, outputOffset: number, maxBaseInput: number, limit: number): number {
    const { history, coefficients, tapsPerPhase, upFactor, dot } = this;
    const baseStep = Math.floor(this.downFactor / upFactor);
    const phaseStep = this.downFactor % upFactor;
    const historyByte = history.byteOffset;
    let base = this.baseInput;
    let phase = this.phase;
    let count = 0;
    let produced = this.outputCount;
    while (base <= maxBaseInput && produced < limit) {
      const start = base - this.halfTaps + 1 - this.historyStart;
      const row = phase * tapsPerPhase;
      let sum = 0;
      if (dot) {
        sum = dot(historyByte + start * FLOAT_BYTES, row * FLOAT_BYTES, tapsPerPhase);
      } else {
        let s1 = 0, s2 = 0, s3 = 0;
        for (let i = 0; i < tapsPerPhase; i += 4) {
          const h = start + i;
          const c = row + i;
          sum += history[h]! * coefficients[c]!;
          s1 += history[h + 1]! * coefficients[c + 1]!;
          s2 += history[h + 2]! * coefficients[c + 2]!;
          s3 += history[h + 3]! * coefficients[c + 3]!;
        }
        sum += s1 + s2 + s3;
      }
      output[outputOffset + count++] = sum;
      produced++;
      base += baseStep;
      phase += phaseStep;
      if (phase >= upFactor) {
        phase -= upFactor;
        base++;
      }
    }
    this.baseInput = base;
    this.phase = phase;
    this.outputCount = produced;
    return count;
  }

  /** Drops history no future output needs. */
  private compact(): void {
    const keepFrom = this.baseInput - this.halfTaps + 1 - this.historyStart;
    if (keepFrom <= 0) return;
    const drop = Math.min(keepFrom, this.historyLength);
    this.history.copyWithin(0, drop, this.historyLength);
    this.historyLength -= drop;
    this.historyStart += drop;
  }
}
