import { describe, expect, it } from 'vitest';
import { lcgNoise32 } from '../../../test/support/lcgNoise';
import { syllableNoise } from '../../../test/support/syllableNoise';
import { FeaturePipeline } from '../../audio/featurePipeline';
import { EchoGate, type FrameVerdict } from './echoGate';

const RATE_HZ = 16000;
const N_MELS = 80;

/** Speech-like: noise gated into 'syllables' of 60-250 ms with 40-200 ms gaps, at amplitude 0.1. */
const syllables = (length: number, seed: number): Float32Array =>
  syllableNoise(length, seed, RATE_HZ, { onS: [0.06, 0.19], offS: [0.04, 0.16], gain: 0.1, smoothing: 0, choices: 256 });

function logMelFrames(signal: Float32Array): Float32Array[] {
  const frames: Float32Array[] = [];
  const pipeline = new FeaturePipeline({
    inputRateHz: RATE_HZ,
    nMels: N_MELS,
    batchFrames: 1,
    onBatch: (batch) => frames.push(batch.logMel.slice()),
  });
  pipeline.push(signal);
  pipeline.flush();
  return frames;
}

/** The gate over a microphone signal while `reference` plays; returns one verdict per frame. */
function judgeAll(gate: EchoGate, reference: Float32Array, mic: Float32Array): FrameVerdict[] {
  const refFrames = logMelFrames(reference);
  const micFrames = logMelFrames(mic);
  return micFrames.map((logMel, frame) => {
    // The app knows what it plays before the microphone hears it.
    if (refFrames[frame]) gate.writeReference(frame, refFrames[frame]!, N_MELS);
    return gate.judge(frame, logMel, 0, N_MELS);
  });
}

/**
 * The gate behind a canceller: the delay found on the microphone (`echo`, plus `user`), the verdict taken on what the
 * canceller left (`residualEcho`, plus `user`), its echo estimate being the echo itself.
 */
function judgeBehindCanceller(gate: EchoGate, reference: Float32Array, echo: Float32Array, residualEcho: Float32Array, user: Float32Array, floor: Float32Array): FrameVerdict[] {
  const refFrames = logMelFrames(reference);
  const micFrames = logMelFrames(mix(echo, user, floor));
  const residualFrames = logMelFrames(mix(residualEcho, user, floor));
  const estimateFrames = logMelFrames(echo);
  return micFrames.map((logMel, frame) => {
    gate.writeReference(frame, refFrames[frame]!, N_MELS);
    return gate.judge(frame, logMel, 0, N_MELS, residualFrames[frame]!, 0, estimateFrames[frame]!);
  });
}

function delayed(signal: Float32Array, delaySamples: number, gainDb: number): Float32Array {
  const out = new Float32Array(signal.length);
  const scale = 10 ** (gainDb / 20);
  for (let i = delaySamples; i < signal.length; i++) out[i] = scale * signal[i - delaySamples]!;
  return out;
}

function mix(...signals: Float32Array[]): Float32Array {
  return signals[0]!.map((_, i) => signals.reduce((sum, s) => sum + s[i]!, 0));
}

describe('EchoGate', () => {
  const seconds = 8;
  const reference = syllables(seconds * RATE_HZ, 7);
  const floor = lcgNoise32(seconds * RATE_HZ, 99).map((x) => x * 1e-4);

  it('learns the delay and gain of a delayed, attenuated copy of what played', () => {
    for (const [delayMs, gainDb] of [[40, -12], [180, -6], [250, -24]] as const) {
      const gate = new EchoGate();
      judgeAll(gate, reference, mix(delayed(reference, (delayMs * RATE_HZ) / 1000, gainDb), floor));
      const { delayMs: learned, gainDb: learnedGain } = gate.path;
      expect(learned).not.toBeNull();
      // One 10 ms frame of tolerance: the delay is estimated on the frame grid.
      expect(Math.abs(learned! - delayMs)).toBeLessThanOrEqual(10);
      // The tracked quantile sits a little above the true gain (the frame-to-frame spread of the ratio).
      expect(learnedGain).toBeGreaterThan(gainDb - 1);
      expect(learnedGain).toBeLessThan(gainDb + 4);
    }
  });

  it('calls echo alone the user in almost no frame once learned, and a different voice over it the user in most', () => {
    const echo = delayed(reference, 0.12 * RATE_HZ, -6);
    const echoVerdicts = judgeAll(new EchoGate(), reference, mix(echo, floor)).slice(300);
    const falseFrames = echoVerdicts.filter((v) => v.userLike).length;
    expect(falseFrames / echoVerdicts.length).toBeLessThan(0.01);
    expect(echoVerdicts.every((v) => v.playing)).toBe(true);

    // The user speaks from 5 s on; each frame where they speak is compared with the echo's false rate.
    const heardFraction = (userGain: number): number => {
      const user = new Float32Array(reference.length);
      user.set(syllables(3 * RATE_HZ, 21).map((x) => x * userGain), 5 * RATE_HZ);
      const verdicts = judgeAll(new EchoGate(), reference, mix(echo, user, floor));
      expect(verdicts.slice(300, 500).filter((v) => v.userLike).length).toBeLessThan(3);
      const userFrames = logMelFrames(user).map((logMel) => logMel.some((value) => value > -2));
      const heard = verdicts.filter((v, frame) => userFrames[frame] && v.userLike).length;
      return heard / userFrames.filter(Boolean).length;
    };
    // 12 dB over the echo (closer to the microphone than the loudspeaker): nearly every frame.
    expect(heardFraction(2)).toBeGreaterThan(0.9);
    // 6 dB over it (as loud as the reply plays), the same spectrum: only where the echo leaves room, yet far above echo alone.
    expect(heardFraction(1)).toBeGreaterThan(0.1);
  });

  it('with headphones (no echo, so no delay is ever found) hears a user 14 dB quieter than the reply, by the duck margin', () => {
    const user = new Float32Array(reference.length);
    user.set(syllables(3 * RATE_HZ, 21).map((x) => x * 10 ** (-14 / 20)), 5 * RATE_HZ);
    // A correlation above 1 is never reached: the delay stays unknown, as with headphones (a user's syllables can
    // correlate with the reply's by chance, which would hand the decision to the learned path).
    const gate = new EchoGate({ minCorrelation: 1.01 });
    const verdicts = judgeAll(gate, reference, mix(new Float32Array(reference.length), user, floor));
    expect(gate.path.delayMs).toBeNull();
    const userFrames = logMelFrames(user).map((logMel) => logMel.some((value) => value > -6));
    const speaking = verdicts.filter((_, frame) => userFrames[frame]);
    // The echo assumed at the reply's full level hid this user in every frame.
    expect(speaking.filter((v) => v.userLike).length / speaking.length).toBeGreaterThan(0.5);
    expect(verdicts.every((v) => v.clearlyUser === v.userLike)).toBe(true);
  });

  it('starts the aligned gain from what it learned without a delay, not at full level, when the delay is found', () => {
    const refFrames = logMelFrames(reference);
    const micFrames = logMelFrames(mix(delayed(reference, 0.06 * RATE_HZ, -24), floor));
    const gate = new EchoGate();
    let frame = 0;
    for (; frame < micFrames.length && gate.path.delayMs === null; frame++) {
      gate.writeReference(frame, refFrames[frame]!, N_MELS);
      gate.judge(frame, micFrames[frame]!, 0, N_MELS);
    }
    expect(gate.path.delayMs).not.toBeNull();
    // A gain starting at 0 dB would still be there; the unaligned gain has come down toward the path's -24 dB.
    expect(gate.path.gainDb).toBeLessThan(-6);
    expect(gate.path.gainDb).toBeGreaterThan(-24);
  });

  it('while no delay is known, does not call loud echo the user once the unaligned gain is learned', () => {
    const echo = delayed(reference, 0.12 * RATE_HZ, -6);
    const verdicts = judgeAll(new EchoGate({ minCorrelation: 1.01 }), reference, mix(echo, floor)).slice(200);
    expect(verdicts.filter((v) => v.userLike).length / verdicts.length).toBeLessThan(0.01);
  });

  it('counts a frame toward confirmation only by the larger confirm margin: a user 12 dB over the echo passes 9 dB, not 18 dB', () => {
    const echo = delayed(reference, 0.12 * RATE_HZ, -6);
    const user = new Float32Array(reference.length);
    user.set(syllables(3 * RATE_HZ, 21).map((x) => x * 2), 5 * RATE_HZ);
    const userFrames = logMelFrames(user).map((logMel) => logMel.some((value) => value > -2));
    const fractions = (confirmMarginDb: number): { clear: number; userLike: number; clearNotUserLike: number } => {
      const verdicts = judgeAll(new EchoGate({ confirmMarginDb, confirmOneBandMarginDb: Number.POSITIVE_INFINITY }), reference, mix(echo, user, floor));
      const speaking = verdicts.filter((_, frame) => userFrames[frame]);
      return {
        clear: speaking.filter((v) => v.clearlyUser).length / speaking.length,
        userLike: speaking.filter((v) => v.userLike).length / speaking.length,
        clearNotUserLike: verdicts.filter((v) => v.clearlyUser && !v.userLike).length,
      };
    };
    const at6 = fractions(6);
    expect(at6.clear).toBe(at6.userLike);
    // 3 dB of room under the user's 12 dB: nearly every frame; 18 dB asks more than the user has over the echo: few.
    expect(fractions(9).clear).toBeGreaterThan(0.9);
    const at18 = fractions(18);
    expect(at18.clear).toBeLessThan(0.4);
    expect(at18.userLike).toBeGreaterThan(0.9);
    expect(at18.clearNotUserLike).toBe(0);
  });

  it('counts a frame whose one band alone stands confirmOneBandMarginDb over the echo: a low hum 20 dB over it, not the echo', () => {
    const echo = delayed(reference, 0.12 * RATE_HZ, -12);
    // A 150 Hz tone lies in the lowest of the gate's bands alone; gated on and off in 200 ms steps from 5 s.
    const hum = new Float32Array(reference.length);
    for (let i = 5 * RATE_HZ; i < hum.length; i++) if (Math.floor(i / (0.2 * RATE_HZ)) % 2 === 0) hum[i] = 0.3 * Math.sin((2 * Math.PI * 150 * i) / RATE_HZ);
    const humFrames = logMelFrames(hum).map((logMel, frame) => frame > 5 * 100 && logMel.some((value) => value > -2));
    const clearWith = (confirmOneBandMarginDb: number) => {
      const verdicts = judgeAll(new EchoGate({ confirmOneBandMarginDb }), reference, mix(echo, hum, floor));
      const during = verdicts.filter((_, frame) => humFrames[frame]);
      const echoOnly = verdicts.filter((_, frame) => frame > 200 && frame < 5 * 100 - 3);
      return { during: during.filter((v) => v.clearlyUser).length / during.length, echoOnly: echoOnly.filter((v) => v.clearlyUser).length };
    };
    const twoBands = clearWith(Number.POSITIVE_INFINITY);
    expect(twoBands.during).toBeLessThan(0.1);
    const oneBand = clearWith(14);
    expect(oneBand.during).toBeGreaterThan(0.8);
    expect(oneBand.echoOnly).toBe(0);
  });

  it('calls a frame whose one band alone stands duckOneBandMarginDb over the echo oneBandUser (it ducks), not userLike: a low hum 20 dB over it, not the echo', () => {
    const echo = delayed(reference, 0.12 * RATE_HZ, -12);
    const hum = new Float32Array(reference.length);
    for (let i = 5 * RATE_HZ; i < hum.length; i++) if (Math.floor(i / (0.2 * RATE_HZ)) % 2 === 0) hum[i] = 0.3 * Math.sin((2 * Math.PI * 150 * i) / RATE_HZ);
    const humFrames = logMelFrames(hum).map((logMel, frame) => frame > 5 * 100 && logMel.some((value) => value > -2));
    const verdictsWith = (duckOneBandMarginDb: number) => {
      const verdicts = judgeAll(new EchoGate({ duckOneBandMarginDb }), reference, mix(echo, hum, floor));
      const during = verdicts.filter((_, frame) => humFrames[frame]);
      const echoOnly = verdicts.filter((_, frame) => frame > 200 && frame < 5 * 100 - 3);
      const fraction = (pick: (v: FrameVerdict) => boolean) => during.filter(pick).length / during.length;
      return { oneBand: fraction((v) => v.oneBandUser), userLike: fraction((v) => v.userLike), echoOnly: echoOnly.filter((v) => v.oneBandUser).length };
    };
    expect(verdictsWith(Number.POSITIVE_INFINITY).oneBand).toBe(0);
    const at10 = verdictsWith(10);
    expect(at10.oneBand).toBeGreaterThan(0.8);
    expect(at10.userLike).toBeLessThan(0.1);
    expect(at10.echoOnly).toBe(0);
  });

  it('predicts the residual echo from the canceller\'s estimate: a user under the reference\'s envelope is heard in more frames, echo alone in none', () => {
    // A canceller leaving 15 dB: the residual echo is its estimate (the echo) 15 dB down, wobbling +-3 dB; the user 3 dB over it.
    const echo = delayed(reference, 0.12 * RATE_HZ, -6);
    const wobble = syllables(reference.length, 5);
    const residualEcho = echo.map((x, n) => x * 10 ** (-15 / 20) * (1 + 0.4 * Math.sign(wobble[n]!)));
    const user = new Float32Array(reference.length);
    user.set(syllables(3 * RATE_HZ, 21).map((x) => x * 10 ** (-18 / 20)), 5 * RATE_HZ);
    const userFrames = logMelFrames(user).map((logMel) => logMel.some((value) => value > -4));
    // Both predictors judged by the same tail, the confirming one's: this is about what predicts, not how it decays.
    const run = (residualPredictor: 'reference' | 'estimate', withUser: boolean, confirmLeakQuantile = 0.6): FrameVerdict[] =>
      judgeBehindCanceller(new EchoGate({ residualPredictor, confirmLeakQuantile, duckEstimateTailDecayDbPerFrame: 1.5 }), reference, echo, residualEcho, withUser ? user : new Float32Array(user.length), floor);
    const heard = (verdicts: FrameVerdict[]): number => verdicts.filter((v, frame) => userFrames[frame] && v.userLike).length / userFrames.filter(Boolean).length;
    const byReference = heard(run('reference', true));
    const byEstimate = heard(run('estimate', true));
    expect(byEstimate).toBeGreaterThan(byReference + 0.1);
    expect(run('estimate', false).slice(300).filter((v) => v.clearlyUser).length).toBe(0);
    // Confirmation's own, lower quantile: a tighter prediction counts more of the user's frames.
    const confirmed = (verdicts: FrameVerdict[]): number => verdicts.filter((v, frame) => userFrames[frame] && v.clearlyUser).length;
    expect(confirmed(run('estimate', true, 0.6))).toBeGreaterThan(confirmed(run('estimate', true, 0.9)));
  });

  it('judges ducking by a slower tail of the estimate than confirming: residual echo that outlasts the estimate ducks half as often or less, a user over it ducks as soon', () => {
    // The canceller leaves 15 dB, and a late reverberation it does not model (rt60 1 s: 0.6 dB per frame, slower than
    // the estimate's 1.5 dB tail) rings on after each syllable of its estimate.
    const echo = delayed(reference, 0.12 * RATE_HZ, -6);
    const decayPerSample = 10 ** (-60 / 20 / RATE_HZ);
    const tapEvery = 8;
    const taps = Array.from(lcgNoise32(RATE_HZ / tapEvery, 13), (x, k) => 0.2 * x * decayPerSample ** (k * tapEvery));
    const residualEcho = new Float32Array(echo.length);
    for (let n = 0; n < echo.length; n++) {
      let sum = echo[n]!;
      for (let k = 1; k < taps.length && k * tapEvery <= n; k++) sum += taps[k]! * echo[n - k * tapEvery]!;
      residualEcho[n] = sum * 10 ** (-15 / 20);
    }
    const user = new Float32Array(reference.length);
    user.set(syllables(3 * RATE_HZ, 21).map((x) => x * 10 ** (-12 / 20)), 5 * RATE_HZ);
    const userFrames = logMelFrames(user).map((logMel) => logMel.some((value) => value > -4));
    const run = (duckEstimateTailDecayDbPerFrame: number | undefined, withUser: boolean): FrameVerdict[] =>
      judgeBehindCanceller(new EchoGate(duckEstimateTailDecayDbPerFrame === undefined ? {} : { duckEstimateTailDecayDbPerFrame }), reference, echo, residualEcho, withUser ? user : new Float32Array(user.length), floor);
    const echoDucks = (verdicts: FrameVerdict[]): number => verdicts.slice(300).filter((v) => v.userLike).length;
    const byDefault = echoDucks(run(undefined, false));
    const byConfirmTail = echoDucks(run(1.5, false));
    expect(byConfirmTail).toBeGreaterThanOrEqual(10);
    expect(byDefault).toBeLessThanOrEqual(byConfirmTail / 2);
    // The user's syllables (runs of 3 frames or more) that duck within their first 3 frames: no fewer than before.
    const onsets = userFrames.flatMap((on, frame) => (on && !userFrames[frame - 1] && userFrames[frame + 2] ? [frame] : []));
    const duckedSoon = (verdicts: FrameVerdict[]) => onsets.filter((frame) => verdicts.slice(frame, frame + 3).some((v) => v.userLike)).length;
    const soonByConfirmTail = duckedSoon(run(1.5, true));
    expect(onsets.length).toBeGreaterThanOrEqual(8);
    expect(soonByConfirmTail).toBeGreaterThanOrEqual(3);
    expect(duckedSoon(run(undefined, true))).toBeGreaterThanOrEqual(soonByConfirmTail);
  });

  it('refuses an estimate tail that does not decay', () => {
    expect(() => new EchoGate({ duckEstimateTailDecayDbPerFrame: 0 })).toThrow(RangeError);
    expect(() => new EchoGate({ estimateTailDecayDbPerFrame: -1 })).toThrow(RangeError);
    expect(() => new EchoGate({ duckEstimateTailDecayDbPerFrame: 0.8 })).not.toThrow();
  });

  it('before anything played, nothing is echo: a voice is the user and nothing is playing', () => {
    const gate = new EchoGate();
    const verdicts = judgeAll(gate, new Float32Array(RATE_HZ), mix(syllables(RATE_HZ, 3), floor.subarray(0, RATE_HZ)));
    const loud = verdicts.filter((_, frame) => frame > 10 && frame % 10 === 0);
    expect(verdicts.some((v) => v.playing)).toBe(false);
    expect(loud.some((v) => v.userLike)).toBe(true);
    expect(gate.path.delayMs).toBeNull();
  });
});
