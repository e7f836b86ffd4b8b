import { FRAME_RATE_HZ } from '../../audio/dsp/constants';
import { bandPowersOf, ECHO_GATE_BANDS } from './bandPowers';

/** Echo gate settings; frame counts derive from the 10 ms feature frames. */
export interface EchoGateConfig {
  /** Longest loudspeaker-to-microphone delay searched (output and input latency plus the room). */
  maxDelayMs: number;
  /** A band is the user's when the microphone exceeds the echo it explains, plus noise, by this much. */
  marginDb: number;
  /**
   * A frame counts toward confirming the user only with this larger margin: what the canceller leaves jumps more
   * than the echo did; at 6 dB leftover echo frames added up to a false barge-in in the bench (8 dB: two steps clear).
   */
  confirmMarginDb: number;
  /** A frame is the user's when at least this many bands are. */
  minUserBands: number;
  /** A frame also counts toward confirming when one band alone exceeds the echo by this much (a vowel's low band, over quiet echo). */
  confirmOneBandMarginDb: number;
  /**
   * A frame also ducks (opens an onset) when one band alone exceeds the echo by this much: a voiced onset's low
   * harmonics stand 10-17 dB over the residual echo in the lowest band 20-50 ms before a second band reaches marginDb
   * (in the bench, 10 dB: 8 more ducks on the echo alone in 5.9 min; 8 dB: 50 more; neither confirmed anything).
   */
  duckOneBandMarginDb: number;
  /** The reference keeps a reverberation tail that decays this fast (slower than most rooms: errs toward echo). */
  tailDecayDbPerFrame: number;
  /** Microphone history the delay is estimated over. */
  delayWindowMs: number;
  /** How often the delay is estimated again (it drifts with the two clocks). */
  delayEveryMs: number;
  /** A delay is taken only when the envelopes correlate at least this well (Pearson). */
  minCorrelation: number;
  /** Echo path gain assumed before anything is learned: louder than any echo we accept, so unknown echo is never the user. */
  initialGainDb: number;
  /**
   * While no delay is known the echo is predicted this much over the gain learned against the loudest reference in
   * the delay window (that ratio spreads far wider than the aligned one), and that gain learns by this step: with
   * headphones a user 18 dB under the reply is heard 1.5 s into it. In the bench, 6 dB with 1-3 dB steps let a burst
   * confirm before the delay was found; 10 dB with 2 dB held 0 false and ducked no more on the echo alone.
   */
  unalignedHeadroomDb: number;
  unalignedLearnStepDb: number;
  /**
   * When the first delay is found, the aligned gain starts this much over the unaligned gain (never above
   * initialGainDb): the aligned reference is quieter than the window's loudest. In the bench 16 dB held the ducks on
   * the echo alone (49 against 47 from full level), 10 dB added 11.
   */
  alignedStartHeadroomDb: number;
  /** Quantile of the microphone-to-reference ratio the gain tracks: above the median, so most echo frames lie under it. */
  gainQuantile: number;
  /** Gain tracking steps while learning, then once settled. */
  learnStepDb: number;
  settledStepDb: number;
  /** Updates per band after which the gain counts as settled. */
  learnUpdates: number;
  /** Reference band power below this is silence (log10 mel floor is 1e-10). */
  silencePower: number;
  /**
   * What predicts the residual echo: the reference through the learned gain with its reverberation tail, or the
   * canceller's own echo estimate through a learned per-band leakage, once that has settled (the reference until then).
   * The estimate follows the room's own envelope in time and frequency: the user under the echo is seen sooner.
   */
  residualPredictor: ResidualPredictor;
  /**
   * Quantile of the residual-to-estimate ratio the leakage tracks for ducking, and where it starts (the canceller
   * removes nothing yet). In the bench, ducks on the echo alone with drifting clocks / with one clock: 0.7 49 / 137,
   * 0.75 30 / 84, 0.8 9 / 31; 0.8 also slowed a cut-in's stop to 361 ms (fewer duck frames fill the confirmation's
   * holes). 0.75: every latency as at 0.7.
   */
  leakQuantile: number;
  /**
   * The same for confirming: lower counts the user's frames sooner (0.6 with 0.6 stopped every bench cut-in within 300 ms,
   * 0 false, but ducked 168 times on the echo alone; 0.6 with ducking at 0.8 let a cough confirm): 0.7, a step from both.
   */
  confirmLeakQuantile: number;
  initialLeakDb: number;
  /** The echo estimate's tail that confirming judges by decays this fast: the room's reverb beyond the canceller's taps follows it. */
  estimateTailDecayDbPerFrame: number;
  /**
   * The tail ducking judges by (its leakage learned against it), slower: what the canceller leaves outlasts its
   * estimate's fall. Ducks on the echo alone in the bench, drifting clocks / one clock (5.9 min each): 1.5 (the
   * confirming tail) 30 / 84, 1.0 22 / 59, 0.8 21 / 44, 0.7 28 / 41, 0.5 46 / 47; at 0.8 the latest duck after a VAD
   * onset went from 61 to 55 ms, every other figure as at 1.5.
   */
  duckEstimateTailDecayDbPerFrame: number;
}

export type ResidualPredictor = 'reference' | 'estimate';

export const DEFAULT_ECHO_GATE_CONFIG: Readonly<EchoGateConfig> = Object.freeze({
  maxDelayMs: 600,
  marginDb: 6,
  confirmMarginDb: 8,
  minUserBands: 2,
  confirmOneBandMarginDb: 14,
  duckOneBandMarginDb: 10,
  tailDecayDbPerFrame: 0.8,
  delayWindowMs: 3000,
  delayEveryMs: 500,
  minCorrelation: 0.4,
  initialGainDb: 0,
  unalignedHeadroomDb: 10,
  unalignedLearnStepDb: 2,
  alignedStartHeadroomDb: 16,
  gainQuantile: 0.8,
  learnStepDb: 1,
  settledStepDb: 0.2,
  learnUpdates: 150,
  silencePower: 1e-8,
  residualPredictor: 'estimate',
  leakQuantile: 0.75,
  confirmLeakQuantile: 0.7,
  initialLeakDb: 0,
  estimateTailDecayDbPerFrame: 1.5,
  duckEstimateTailDecayDbPerFrame: 0.8,
});

/** What the gate says about one microphone frame. */
export interface FrameVerdict {
  /** Something was playing within the delay window: there is a voice to duck. */
  playing: boolean;
  /** The microphone holds more than the echo and the noise explain: someone else is there. */
  userLike: boolean;
  /** It does so by confirmMarginDb (by marginDb while no delay is known): the frame counts toward confirming the user. */
  clearlyUser: boolean;
  /** One band alone exceeds the echo by duckOneBandMarginDb (once a delay is known): with userLike, it ducks. */
  oneBandUser: boolean;
}

/** The learned loudspeaker-to-microphone path, for diagnostics. */
export interface EchoPath {
  /** Null until the envelopes correlated well enough. */
  delayMs: number | null;
  /** Mean over bands of the echo path gain. */
  gainDb: number;
}

const framesOf = (ms: number): number => Math.max(1, Math.round((ms * FRAME_RATE_HZ) / 1000));
const toDb = (power: number): number => 10 * Math.log10(Math.max(power, 1e-12));
/** The microphone's noise floor rises this fast when louder frames persist (1 dB/s). */
const NOISE_RISE_PER_FRAME = 10 ** (0.01 / 10);
/** Echo and user compete with the noise floor plus this headroom (its frame-to-frame spread). */
const NOISE_HEADROOM = 2;

/**
 * Judges each microphone frame against the signal the app itself plays (the reference): learns the
 * loudspeaker-to-microphone delay by cross-correlating the two energy envelopes, and the per-band gain as an
 * upper quantile of their ratio (frozen while the user seems present), then calls a frame the user's when
 * the microphone exceeds the predicted echo plus noise by marginDb in enough bands. Frames are the 10 ms
 * feature frames; both streams are indexed by microphone frame. Pure: no clocks, no I/O.
 */
export class EchoGate {
  readonly config: EchoGateConfig;
  private readonly maxLag: number;
  private readonly window: number;
  private readonly every: number;
  private readonly capacity: number;
  private readonly tailDecay: number;
  private readonly marginFactor: number;
  private readonly confirmMarginFactor: number;
  private readonly oneBandFactor: number;
  private readonly duckOneBandFactor: number;
  /** Reference per frame: band powers, their reverberant tail, and the broadband level in dB. */
  private readonly refBands: Float64Array;
  private readonly refTail: Float64Array;
  private readonly refDb: Float64Array;
  /** One past the newest reference frame written; frames from here on are silence until written. */
  private refEnd = 0;
  /** Microphone broadband level (dB, floored at noise) per frame, for the delay search. */
  private readonly micDb: Float64Array;
  private micEnd = 0;
  private readonly gainDb = new Float64Array(ECHO_GATE_BANDS);
  private readonly gainUpdates = new Int32Array(ECHO_GATE_BANDS);
  /**
   * The gain while no delay is known, over the loudest reference anywhere in the delay window: with headphones no
   * delay is ever found, and without it the echo assumed at full level hid a user quieter than the reply for good.
   */
  private readonly unalignedGainDb = new Float64Array(ECHO_GATE_BANDS);
  private readonly unalignedGainUpdates = new Int32Array(ECHO_GATE_BANDS);
  /** Residual echo over the canceller's echo estimate, per band (dB), and the estimate with its tail. */
  private readonly leakDb = new Float64Array(ECHO_GATE_BANDS);
  private readonly confirmLeakDb = new Float64Array(ECHO_GATE_BANDS);
  private readonly leakUpdates = new Int32Array(ECHO_GATE_BANDS);
  private readonly estimateTail = new Float64Array(ECHO_GATE_BANDS);
  private readonly duckEstimateTail = new Float64Array(ECHO_GATE_BANDS);
  private readonly estimateBands = new Float64Array(ECHO_GATE_BANDS);
  private readonly estimateDecay: number;
  private readonly duckEstimateDecay: number;
  private readonly noise = new Float64Array(ECHO_GATE_BANDS).fill(-1);
  private readonly mic = new Float64Array(ECHO_GATE_BANDS);
  private readonly scratch = new Float64Array(ECHO_GATE_BANDS);
  private delayFrames: number | null = null;
  private framesSinceDelay = 0;

  constructor(config: Partial<EchoGateConfig> = {}) {
    this.config = { ...DEFAULT_ECHO_GATE_CONFIG, ...config };
    const { maxDelayMs, delayWindowMs, delayEveryMs, tailDecayDbPerFrame, marginDb, confirmMarginDb, gainQuantile, minUserBands } = this.config;
    if (!(confirmMarginDb >= marginDb)) throw new RangeError(`EchoGate: confirmMarginDb must be >= marginDb`);
    if (!(maxDelayMs >= 0 && delayWindowMs > maxDelayMs && delayEveryMs > 0)) {
      throw new RangeError(`EchoGate: need 0 <= maxDelayMs < delayWindowMs and delayEveryMs > 0`);
    }
    if (!(gainQuantile > 0 && gainQuantile < 1)) throw new RangeError(`EchoGate: gainQuantile must lie in (0, 1), got ${gainQuantile}`);
    // A tail that does not decay would hold the loudest echo ever heard, and no user would get through.
    for (const decayDb of [this.config.estimateTailDecayDbPerFrame, this.config.duckEstimateTailDecayDbPerFrame]) {
      if (!(decayDb > 0 && Number.isFinite(decayDb))) throw new RangeError(`EchoGate: the estimate's tails must decay (dB per frame > 0), got ${decayDb}`);
    }
    for (const quantile of [this.config.leakQuantile, this.config.confirmLeakQuantile]) {
      if (!(quantile > 0 && quantile < 1)) throw new RangeError(`EchoGate: leakQuantile and confirmLeakQuantile must lie in (0, 1), got ${quantile}`);
    }
    if (!(Number.isInteger(minUserBands) && minUserBands >= 1 && minUserBands <= ECHO_GATE_BANDS)) {
      throw new RangeError(`EchoGate: minUserBands must be an integer in 1..${ECHO_GATE_BANDS}, got ${minUserBands}`);
    }
    this.maxLag = framesOf(maxDelayMs);
    this.window = framesOf(delayWindowMs);
    this.every = framesOf(delayEveryMs);
    this.capacity = this.window + this.maxLag + 2;
    this.tailDecay = 10 ** (-tailDecayDbPerFrame / 10);
    this.marginFactor = 10 ** (marginDb / 10);
    this.confirmMarginFactor = 10 ** (confirmMarginDb / 10);
    this.oneBandFactor = 10 ** (this.config.confirmOneBandMarginDb / 10);
    this.duckOneBandFactor = 10 ** (this.config.duckOneBandMarginDb / 10);
    this.refBands = new Float64Array(this.capacity * ECHO_GATE_BANDS);
    this.refTail = new Float64Array(this.capacity * ECHO_GATE_BANDS);
    this.refDb = new Float64Array(this.capacity).fill(toDb(0));
    this.micDb = new Float64Array(this.window);
    this.gainDb.fill(this.config.initialGainDb);
    this.unalignedGainDb.fill(this.config.initialGainDb);
    this.leakDb.fill(this.config.initialLeakDb);
    this.confirmLeakDb.fill(this.config.initialLeakDb);
    this.estimateDecay = 10 ** (-this.config.estimateTailDecayDbPerFrame / 10);
    this.duckEstimateDecay = 10 ** (-this.config.duckEstimateTailDecayDbPerFrame / 10);
  }

  /** The path learned so far. */
  get path(): EchoPath {
    let sum = 0;
    for (const gain of this.gainDb) sum += gain;
    return { delayMs: this.delayFrames === null ? null : (this.delayFrames * 1000) / FRAME_RATE_HZ, gainDb: sum / ECHO_GATE_BANDS };
  }

  /** Index of the next reference frame expected. */
  get referenceEnd(): number {
    return this.refEnd;
  }

  /**
   * Writes reference frames (log10 power mel, row-major) at microphone frame `firstFrame`: a gap is silence,
   * frames before the newest one written are ignored (the reference only moves forward).
   */
  writeReference(firstFrame: number, logMel: Float32Array, nMels: number): void {
    const frames = Math.floor(logMel.length / nMels);
    for (let i = 0; i < frames; i++) {
      const frame = firstFrame + i;
      if (frame < this.refEnd) continue;
      while (this.refEnd < frame) this.storeReference(this.refEnd, null);
      bandPowersOf(logMel, i * nMels, nMels, this.scratch);
      this.storeReference(frame, this.scratch);
    }
  }

  /**
   * Judges microphone frame `frame` (frames come in order, one call each) from its log10 power mel: the delay is
   * found on the microphone as heard (`logMel`), the verdict taken on `residualLogMel`, the microphone with the
   * echo a canceller removed (the same frame when there is none); the gain learned is then what echo it left.
   * `estimateLogMel` (at `residualOffset`): the canceller's echo estimate for the frame, null while it removes nothing.
   */
  judge(frame: number, logMel: Float32Array, offset: number, nMels: number, residualLogMel: Float32Array = logMel, residualOffset = offset, estimateLogMel: Float32Array | null = null): FrameVerdict {
    bandPowersOf(logMel, offset, nMels, this.mic);
    let micPower = 0;
    for (let b = 0; b < ECHO_GATE_BANDS; b++) micPower += this.mic[b]!;
    if (residualLogMel !== logMel || residualOffset !== offset) bandPowersOf(residualLogMel, residualOffset, nMels, this.mic);
    this.trackNoise();
    let noisePower = 0;
    for (let b = 0; b < ECHO_GATE_BANDS; b++) noisePower += this.noise[b]!;
    this.micDb[frame % this.window] = toDb(Math.max(micPower, noisePower));
    this.micEnd = frame + 1;
    if (++this.framesSinceDelay >= this.every) {
      this.framesSinceDelay = 0;
      this.estimateDelay();
    }
    const playing = this.referenceHeard(frame);
    let userBands = 0;
    let clearBands = 0;
    let loudBands = 0;
    let duckLoudBands = 0;
    const expected = this.expectedReference(frame, this.scratch);
    const useEstimate = estimateLogMel !== null && this.config.residualPredictor === 'estimate' && this.delayFrames !== null;
    if (estimateLogMel !== null) this.trackEstimate(estimateLogMel, residualOffset, nMels);
    else {
      this.estimateTail.fill(0);
      this.duckEstimateTail.fill(0);
    }
    // Before a delay is found the canceller passes the microphone through and the unaligned prediction, with its
    // headroom, is steady: the duck margin confirms (headphones never give a delay, and the user must still get through).
    const unaligned = this.delayFrames === null;
    const confirmFactor = unaligned ? this.marginFactor : this.confirmMarginFactor;
    for (let b = 0; b < ECHO_GATE_BANDS; b++) {
      const gainDb = unaligned ? Math.min(this.unalignedGainDb[b]! + this.config.unalignedHeadroomDb, this.config.initialGainDb) : this.gainDb[b]!;
      const fromReference = 10 ** (gainDb / 10) * expected[b]!;
      const settled = useEstimate && this.leakUpdates[b]! >= this.config.learnUpdates;
      const noise = NOISE_HEADROOM * this.noise[b]!;
      const explained = (settled ? 10 ** (this.leakDb[b]! / 10) * this.duckEstimateTail[b]! : fromReference) + noise;
      const explainedToConfirm = (settled ? 10 ** (this.confirmLeakDb[b]! / 10) * this.estimateTail[b]! : fromReference) + noise;
      if (this.mic[b]! > explained * this.marginFactor) userBands++;
      if (this.mic[b]! > explained * this.duckOneBandFactor) duckLoudBands++;
      if (this.mic[b]! > explainedToConfirm * confirmFactor) clearBands++;
      if (this.mic[b]! > explainedToConfirm * this.oneBandFactor) loudBands++;
    }
    const userLike = userBands >= this.config.minUserBands;
    if (this.delayFrames !== null) this.learnGain(frame, userLike);
    else this.learnUnalignedGain(expected, userLike);
    if (useEstimate) this.learnLeak(userLike);
    return { playing, userLike, clearlyUser: clearBands >= this.config.minUserBands || (this.delayFrames !== null && loudBands > 0), oneBandUser: this.delayFrames !== null && duckLoudBands > 0 };
  }

  private slot(frame: number): number {
    return frame % this.capacity;
  }

  private storeReference(frame: number, bands: Float64Array | null): void {
    const at = this.slot(frame) * ECHO_GATE_BANDS;
    const before = this.slot(frame + this.capacity - 1) * ECHO_GATE_BANDS;
    const hasBefore = frame > 0 && frame - 1 < this.refEnd;
    let power = 0;
    for (let b = 0; b < ECHO_GATE_BANDS; b++) {
      const value = bands ? bands[b]! : 0;
      this.refBands[at + b] = value;
      this.refTail[at + b] = Math.max(value, hasBefore ? this.refTail[before + b]! * this.tailDecay : 0);
      power += value;
    }
    this.refDb[this.slot(frame)] = toDb(power);
    this.refEnd = frame + 1;
  }

  /** Whether reference frame `frame` is held (written and not yet overwritten). */
  private held(frame: number): boolean {
    return frame >= 0 && frame < this.refEnd && frame > this.refEnd - this.capacity;
  }

  /** Reference tail the echo at `frame` may come from: at the delay +- 1 frame once known, else anywhere in the window. */
  private expectedReference(frame: number, out: Float64Array): Float64Array {
    out.fill(0);
    const [from, to] = this.delayFrames === null ? [frame - this.maxLag, frame] : [frame - this.delayFrames - 1, frame - this.delayFrames + 1];
    for (let f = from; f <= to; f++) {
      if (!this.held(f)) continue;
      const at = this.slot(f) * ECHO_GATE_BANDS;
      for (let b = 0; b < ECHO_GATE_BANDS; b++) out[b] = Math.max(out[b]!, this.refTail[at + b]!);
    }
    return out;
  }

  private referenceHeard(frame: number): boolean {
    const silence = this.config.silencePower;
    for (let f = frame - this.maxLag; f <= frame; f++) {
      if (!this.held(f)) continue;
      const at = this.slot(f) * ECHO_GATE_BANDS;
      for (let b = 0; b < ECHO_GATE_BANDS; b++) if (this.refTail[at + b]! > silence) return true;
    }
    return false;
  }

  /** Minimum tracking: falls at once to a quieter frame, rises 1 dB/s. */
  private trackNoise(): void {
    for (let b = 0; b < ECHO_GATE_BANDS; b++) {
      const power = Math.max(this.mic[b]!, 1e-10);
      const noise = this.noise[b]!;
      this.noise[b] = noise < 0 || power < noise ? power : noise * NOISE_RISE_PER_FRAME;
    }
  }

  /** Quantile tracking of mic/reference per band on frames where the reference sounds directly (not its tail). */
  private learnGain(frame: number, userLike: boolean): void {
    const source = frame - this.delayFrames!;
    if (!this.held(source)) return;
    const at = this.slot(source) * ECHO_GATE_BANDS;
    for (let b = 0; b < ECHO_GATE_BANDS; b++) {
      const reference = this.refBands[at + b]!;
      if (reference < 0.5 * this.refTail[at + b]!) continue;
      this.trackGain(this.gainDb, this.gainUpdates, b, reference, userLike, this.config.learnStepDb);
    }
  }

  /** learnGain's quantile tracking while no delay is known: the microphone over the loudest reference the window holds. */
  private learnUnalignedGain(expected: Float64Array, userLike: boolean): void {
    for (let b = 0; b < ECHO_GATE_BANDS; b++) this.trackGain(this.unalignedGainDb, this.unalignedGainUpdates, b, expected[b]!, userLike, this.config.unalignedLearnStepDb);
  }

  /** One step of band b's gain toward the gainQuantile of the microphone-to-reference ratio (none on a silent reference). */
  private trackGain(gainDb: Float64Array, updates: Int32Array, b: number, reference: number, userLike: boolean, learnStepDb: number): void {
    const { gainQuantile, settledStepDb, learnUpdates, silencePower } = this.config;
    if (reference <= silencePower) return;
    const settled = updates[b]! >= learnUpdates;
    // While the user seems present the ratio is theirs, not the room's: only a settled gain creeps, a tenth as fast.
    if (userLike && !settled) return;
    const step = (settled ? settledStepDb : learnStepDb) * (userLike ? 0.1 : 1);
    const ratioDb = toDb(Math.max(this.mic[b]! - this.noise[b]!, 0) / reference);
    gainDb[b]! += ratioDb > gainDb[b]! ? step * gainQuantile : -step * (1 - gainQuantile);
    updates[b]!++;
  }

  /** The estimate's band powers with a reverberation tail. */
  private trackEstimate(estimateLogMel: Float32Array, offset: number, nMels: number): void {
    bandPowersOf(estimateLogMel, offset, nMels, this.estimateBands);
    for (let b = 0; b < ECHO_GATE_BANDS; b++) {
      this.estimateTail[b] = Math.max(this.estimateBands[b]!, this.estimateTail[b]! * this.estimateDecay);
      this.duckEstimateTail[b] = Math.max(this.estimateBands[b]!, this.duckEstimateTail[b]! * this.duckEstimateDecay);
    }
  }

  /** Quantile tracking of residual/estimate per band on frames where the estimate stands over the noise. */
  private learnLeak(userLike: boolean): void {
    const { leakQuantile, confirmLeakQuantile, learnStepDb, settledStepDb, learnUpdates } = this.config;
    for (let b = 0; b < ECHO_GATE_BANDS; b++) {
      const estimate = this.estimateTail[b]!;
      if (estimate <= this.noise[b]!) continue;
      const settled = this.leakUpdates[b]! >= learnUpdates;
      if (userLike && !settled) continue;
      const step = (settled ? settledStepDb : learnStepDb) * (userLike ? 0.1 : 1);
      const residual = Math.max(this.mic[b]! - this.noise[b]!, 0);
      const duckRatioDb = toDb(residual / this.duckEstimateTail[b]!);
      const ratioDb = toDb(residual / estimate);
      this.leakDb[b]! += duckRatioDb > this.leakDb[b]! ? step * leakQuantile : -step * (1 - leakQuantile);
      this.confirmLeakDb[b]! += ratioDb > this.confirmLeakDb[b]! ? step * confirmLeakQuantile : -step * (1 - confirmLeakQuantile);
      this.leakUpdates[b]!++;
    }
  }

  /** Pearson correlation of the microphone and reference envelopes over the window, for every lag; takes the best. */
  private estimateDelay(): void {
    const end = this.micEnd;
    // Early in a stream the window is what there is, from a second on.
    const start = Math.max(end - this.window, this.maxLag);
    if (end - start < Math.min(this.window, FRAME_RATE_HZ)) return;
    const silenceDb = toDb(this.config.silencePower);
    let active = 0;
    for (let f = start - this.maxLag; f < end; f++) if (this.held(f) && this.refDb[this.slot(f)]! > silenceDb) active++;
    if (active < 0.2 * (end - start)) return;
    let micMean = 0;
    for (let f = start; f < end; f++) micMean += this.micDb[f % this.window]!;
    micMean /= end - start;
    let micVar = 0;
    for (let f = start; f < end; f++) micVar += (this.micDb[f % this.window]! - micMean) ** 2;
    let bestLag = -1;
    let best = this.config.minCorrelation;
    for (let lag = 0; lag <= this.maxLag; lag++) {
      const correlation = this.correlationAt(start, end, lag, micMean, micVar, silenceDb);
      if (correlation > best) {
        best = correlation;
        bestLag = lag;
      }
    }
    if (bestLag < 0) return;
    // The first delay found starts the aligned gain from the unaligned one, not at full level: a user already
    // speaking would be hidden again and learned as echo, and the gain would take seconds to come down.
    if (this.delayFrames === null) {
      for (let b = 0; b < ECHO_GATE_BANDS; b++) this.gainDb[b] = Math.min(this.unalignedGainDb[b]! + this.config.alignedStartHeadroomDb, this.config.initialGainDb);
    }
    this.delayFrames = bestLag;
  }

  private correlationAt(start: number, end: number, lag: number, micMean: number, micVar: number, silenceDb: number): number {
    const refAt = (f: number): number => (this.held(f - lag) ? Math.max(this.refDb[this.slot(f - lag)]!, silenceDb) : silenceDb);
    let refMean = 0;
    for (let f = start; f < end; f++) refMean += refAt(f);
    refMean /= end - start;
    let cross = 0;
    let refVar = 0;
    for (let f = start; f < end; f++) {
      const r = refAt(f) - refMean;
      cross += (this.micDb[f % this.window]! - micMean) * r;
      refVar += r * r;
    }
    return micVar > 0 && refVar > 0 ? cross / Math.sqrt(micVar * refVar) : 0;
  }
}
