import { readFileSync } from 'node:fs';
import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { readWav } from '../wav/readWav';
import { StreamingFrameFeatures } from './frameFeatures';
import { normalizeWhisperLogMel } from './whisperNormalize';

interface Features {
  logMel: Float32Array;
  energy: Float32Array;
}

/** Runs the framer over `samples` in blocks from `nextBlock`, collecting frame-major log-mel and energy. */
function frames(samples: Float32Array, nextBlock: () => number, nMels = 80): Features {
  const logMel: number[] = [];
  const energy: number[] = [];
  const framer = new StreamingFrameFeatures({
    nMels,
    onFrame: (index, mel, e) => {
      expect(index).toBe(energy.length);
      logMel.push(...mel);
      energy.push(e);
    },
  });
  for (let start = 0; start < samples.length; ) {
    const end = Math.min(samples.length, start + nextBlock());
    framer.push(samples.subarray(start, end));
    start = end;
  }
  framer.flush();
  return { logMel: Float32Array.from(logMel), energy: Float32Array.from(energy) };
}

function seededRandom(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** transformers.js' WhisperFeatureExtractor (pads to 30 s, normalises over the window), mel-major [nMels x 3000]. */
async function referenceFeatures(samples: Float32Array, nMels = 80): Promise<Float32Array> {
  const extractor = new WhisperFeatureExtractor({
    feature_size: nMels, sampling_rate: 16000, hop_length: 160, chunk_length: 30, n_fft: 400, padding_value: 0,
    n_samples: 480000, nb_max_frames: 3000,
  });
  const { input_features } = await extractor(samples);
  return input_features.data as Float32Array;
}

/** Largest |ours - reference| over frames [0, frameCount) and all mels; ours is frame-major, the reference mel-major. */
function maxAbsDiff(oursFrameMajor: Float32Array, reference: Float32Array, nMels: number, frameCount: number): number {
  let worst = 0;
  for (let f = 0; f < frameCount; f++) {
    for (let m = 0; m < nMels; m++) worst = Math.max(worst, Math.abs(oursFrameMajor[f * nMels + m]! - reference[m * 3000 + f]!));
  }
  return worst;
}

const speech16k = readWav(new Uint8Array(readFileSync('fixtures/speech-16k.wav')));

describe('StreamingFrameFeatures', () => {
  it('gives log10 floor -10 and energy 0 for silence, floor(N / 160) frames', () => {
    const { logMel, energy } = frames(new Float32Array(16000), () => 128);
    expect(energy.length).toBe(100);
    expect(logMel.every((x) => x === -10)).toBe(true);
    expect(energy.every((e) => e === 0)).toBe(true);
  });

  it('emits exactly floor(N / 160) frames for short and odd lengths', () => {
    for (const n of [0, 159, 160, 201, 399, 1234]) expect(frames(new Float32Array(n).fill(0.1), () => 64).energy.length).toBe(Math.floor(n / 160));
  });

  it('gives the same frames for 128-sample, 1-sample, 5000-sample and random blocks as for one pass', () => {
    const samples = speech16k.samples.subarray(0, 16000);
    const onePass = frames(samples, () => samples.length);
    const random = seededRandom(3);
    for (const nextBlock of [() => 128, () => 1, () => 5000, () => 1 + Math.floor(random() * 700)]) {
      const blocked = frames(samples, nextBlock);
      expect(blocked.logMel).toEqual(onePass.logMel);
      expect(blocked.energy).toEqual(onePass.energy);
    }
  });

  // Measured: max |diff| 1.2e-7 at 80 and 128 mels (float32 rounding; the reference multiplies mels in float32).
  it.each([80, 128])('matches WhisperFeatureExtractor on speech-16k.wav (%i mels) within 1e-5 after normalisation', async (nMels) => {
    expect(speech16k.sampleRateHz).toBe(16000);
    const frameCount = Math.floor(speech16k.samples.length / 160);
    const ours = frames(speech16k.samples, () => 128, nMels).logMel;
    expect(ours.length).toBe(frameCount * nMels);
    normalizeWhisperLogMel(ours);
    const reference = await referenceFeatures(speech16k.samples, nMels);
    expect(maxAbsDiff(ours, reference, nMels, frameCount)).toBeLessThan(1e-5);
  });

  it('matches the reference for audio shorter than the reflect padding (zeros beyond the end)', async () => {
    const samples = speech16k.samples.subarray(8000, 8000 + 350);
    const ours = frames(samples, () => 128).logMel;
    expect(ours.length).toBe(2 * 80);
    // Normalise against the reference's own maximum: 2 frames cannot carry the window's max here.
    const reference = await referenceFeatures(samples);
    let referenceMax = -Infinity;
    for (const x of reference) referenceMax = Math.max(referenceMax, x * 4 - 4);
    const normalised = ours.map((x) => (Math.max(x, referenceMax - 8) + 4) / 4);
    expect(maxAbsDiff(normalised, reference, 80, 2)).toBeLessThan(1e-5);
  });
});
