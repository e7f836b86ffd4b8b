import { describe, expect, it } from 'vitest';
import { lcgNoise32 } from '../../../test/support/lcgNoise';
import type { FeatureBatch } from '../../audio/featureBatch';
import { FeaturePipeline } from '../../audio/featurePipeline';
import { ResidualStream } from './residualStream';

const N_MELS = 80;

function batchesOf(signal: Float32Array, batchFrames: number): FeatureBatch[] {
  const batches: FeatureBatch[] = [];
  const pipeline = new FeaturePipeline({
    inputRateHz: 16000,
    nMels: N_MELS,
    batchFrames,
    onBatch: (batch) => batches.push({ ...batch, pcm16k: batch.pcm16k.slice(), logMel: batch.logMel.slice(), energy: batch.energy.slice() }),
  });
  for (let start = 0; start < signal.length; start += 128) pipeline.push(signal.subarray(start, start + 128));
  return batches;
}

describe('ResidualStream', () => {
  const mic = lcgNoise32(16000, 3).map((x) => 0.1 * x);

  it.each([1, 3])('with nothing played, gives back the microphone batches of %i frame(s) unchanged: same samples, same frames', (batchFrames) => {
    const stream = new ResidualStream(N_MELS);
    stream.canceller.setDelay(1600);
    for (const batch of batchesOf(mic, batchFrames)) {
      const residual = stream.cancel(batch, false);
      expect(residual).not.toBe(batch);
      expect(residual.firstSample).toBe(batch.firstSample);
      expect(residual.firstFrame).toBe(batch.firstFrame);
      expect(Array.from(residual.pcm16k)).toEqual(Array.from(batch.pcm16k));
      expect(residual.logMel.length).toBe(batch.logMel.length);
      residual.logMel.forEach((value, i) => expect(value).toBeCloseTo(batch.logMel[i]!, 5));
    }
  });

  it('removes a played signal heard 100 ms later by 15 dB in its second second', () => {
    const played = lcgNoise32(32000, 9).map((x) => 0.1 * x);
    const heard = new Float32Array(played.length);
    heard.set(played.subarray(0, played.length - 1600).map((x) => 0.5 * x), 1600);
    const stream = new ResidualStream(N_MELS);
    stream.writeReference(0, played);
    stream.canceller.setDelay(1600);
    let before = 0;
    let after = 0;
    for (const batch of batchesOf(heard, 1)) {
      const residual = stream.cancel(batch, false);
      expect(residual).not.toBe(batch);
      if (batch.firstSample < 16000) continue;
      for (let i = 0; i < batch.pcm16k.length; i++) {
        before += batch.pcm16k[i]! ** 2;
        after += residual.pcm16k[i]! ** 2;
      }
    }
    expect(10 * Math.log10(before / after)).toBeGreaterThan(15);
  });

  it('passes the microphone through from a batch that skips samples', () => {
    const stream = new ResidualStream(N_MELS);
    const [first, , third] = batchesOf(mic, 1);
    expect(stream.cancel(first!, false)).not.toBe(first);
    expect(stream.cancel(third!, false)).toBe(third);
  });
});
