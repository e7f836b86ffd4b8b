import { readFileSync } from 'node:fs';
import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { normalizeWhisperLogMel } from './dsp/whisperNormalize';
import { FeaturePipeline } from './featurePipeline';
import type { FeatureBatch } from './featureBatch';
import { readWav } from './wav/readWav';

interface Collected {
  pcm: Float32Array;
  logMel: Float32Array;
  energy: Float32Array;
  batches: { firstSample: number; firstFrame: number; samples: number; frames: number }[];
}

function run(samples: Float32Array, inputRateHz: number, nextBlock: () => number, batchFrames = 10): Collected {
  const pcm: number[] = [];
  const logMel: number[] = [];
  const energy: number[] = [];
  const batches: Collected['batches'] = [];
  const pipeline = new FeaturePipeline({
    inputRateHz,
    batchFrames,
    onBatch: (batch: FeatureBatch) => {
      expect(batch.firstSample).toBe(pcm.length);
      expect(batch.firstFrame).toBe(energy.length);
      batches.push({ firstSample: batch.firstSample, firstFrame: batch.firstFrame, samples: batch.pcm16k.length, frames: batch.energy.length });
      pcm.push(...batch.pcm16k);
      logMel.push(...batch.logMel);
      energy.push(...batch.energy);
    },
  });
  for (let start = 0; start < samples.length; ) {
    const end = Math.min(samples.length, start + nextBlock());
    pipeline.push(samples.subarray(start, end));
    start = end;
  }
  pipeline.flush();
  return { pcm: Float32Array.from(pcm), logMel: Float32Array.from(logMel), energy: Float32Array.from(energy), batches };
}

const load = (path: string) => readWav(new Uint8Array(readFileSync(path)));
const speech16k = load('fixtures/speech-16k.wav');
const speech48k = load('fixtures/speech-48k.wav');

async function reference(samples: Float32Array): Promise<Float32Array> {
  const extractor = new WhisperFeatureExtractor({
    feature_size: 80, sampling_rate: 16000, hop_length: 160, chunk_length: 30, n_fft: 400, padding_value: 0, n_samples: 480000, nb_max_frames: 3000,
  });
  return (await extractor(samples)).input_features.data as Float32Array;
}

describe('FeaturePipeline', () => {
  it('batches batchFrames frames with the PCM that completed them; totals are round(N/3) samples and floor(that/160) frames', () => {
    const input = speech48k.samples.subarray(0, 48000);
    const out = run(input, 48000, () => 128);
    expect(out.pcm.length).toBe(16000);
    expect(out.energy.length).toBe(100);
    expect(out.logMel.length).toBe(100 * 80);
    // Frame i is complete once sample i*160 + 199 exists (frame 0 also needs sample 200 for the reflection).
    expect(out.batches[0]).toEqual({ firstSample: 0, firstFrame: 0, samples: 9 * 160 + 200, frames: 10 });
    expect(out.batches[1]).toEqual({ firstSample: 1640, firstFrame: 10, samples: 1600, frames: 10 });
  });

  it.each([48000, 44100, 16000])('gives identical PCM, frames and batches for 128-sample and random blocks at %i Hz', (rateHz) => {
    const input = (rateHz === 48000 ? speech48k.samples : speech16k.samples).subarray(0, rateHz);
    const blocks128 = run(input, rateHz, () => 128);
    let seed = 11;
    const random = () => 1 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 3000);
    const randomBlocks = run(input, rateHz, random);
    expect(randomBlocks.pcm).toEqual(blocks128.pcm);
    expect(randomBlocks.logMel).toEqual(blocks128.logMel);
    expect(randomBlocks.energy).toEqual(blocks128.energy);
    expect(randomBlocks.batches).toEqual(blocks128.batches);
    const onePass = run(input, rateHz, () => input.length);
    expect(onePass.logMel).toEqual(blocks128.logMel);
  });

  // Measured: max |diff| 1.2e-7 (float32 rounding).
  it('at 16 kHz passes the PCM through and matches WhisperFeatureExtractor within 1e-5', async () => {
    const out = run(speech16k.samples, 16000, () => 128);
    expect(out.pcm).toEqual(speech16k.samples);
    const frameCount = Math.floor(speech16k.samples.length / 160);
    expect(out.energy.length).toBe(frameCount);
    normalizeWhisperLogMel(out.logMel);
    const ref = await reference(speech16k.samples);
    let worst = 0;
    for (let f = 0; f < frameCount; f++) for (let m = 0; m < 80; m++) worst = Math.max(worst, Math.abs(out.logMel[f * 80 + m]! - ref[m * 3000 + f]!));
    expect(worst).toBeLessThan(1e-5);
  });

  // Measured: the 48 kHz path vs the reference on sox's 16 kHz file: speech frames, mels 0..73 (< ~7 kHz):
  // max |diff| 0.022, mean 0.0003; all frames and mels: max 0.083 (the two low-passes differ near 8 kHz).
  it('at 48 kHz matches WhisperFeatureExtractor on the sox-resampled 16 kHz file: speech frames, mels below 7 kHz', async () => {
    const out = run(speech48k.samples, 48000, () => 128);
    expect(out.pcm.length).toBe(Math.round(speech48k.samples.length / 3));
    const frameCount = Math.min(out.energy.length, Math.floor(speech16k.samples.length / 160));
    normalizeWhisperLogMel(out.logMel);
    const ref = await reference(speech16k.samples);
    let sum = 0;
    let count = 0;
    let worst = 0;
    const speechEnergy = 1e-3 * Math.max(...out.energy);
    for (let f = 0; f < frameCount; f++) {
      if (out.energy[f]! < speechEnergy) continue;
      for (let m = 0; m < 74; m++) {
        const diff = Math.abs(out.logMel[f * 80 + m]! - ref[m * 3000 + f]!);
        sum += diff;
        count++;
        worst = Math.max(worst, diff);
      }
    }
    expect(count).toBeGreaterThan(1000);
    expect(sum / count).toBeLessThan(0.002);
    expect(worst).toBeLessThan(0.05);
  });
});
