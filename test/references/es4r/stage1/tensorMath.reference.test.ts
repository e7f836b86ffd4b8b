import { describe, expect, it } from 'vitest';
import { conv1d, conv1dOutputLength, gelu, glu, layerNorm, linear } from './tensorMath.reference';
import { subsampledLength } from '../../../../src/models/es4r/stage1/subsampledLength';
import { subsampleReference } from './subsampler.reference';
import { randomArray, randomSubsamplerWeights } from '../../../../scripts/es4r/graphs/stage1/randomWeights';

describe('ES4R stage 1 reference maths', () => {
  it('conv1d (k5 s2 p2) of a single impulse places the reversed kernel at stride 2', () => {
    const input = new Float32Array(8);
    input[4] = 1;
    const out = conv1d({ data: input, channels: 1, length: 8 }, Float32Array.of(1, 2, 3, 4, 5), Float32Array.of(0.5), 1);
    // out[t] = sum_k w[k] x[2t - 2 + k]: the impulse at 4 is seen by k = 6 - 2t.
    expect(out.length).toBe(4);
    expect(Array.from(out.data)).toEqual([0.5, 5.5, 3.5, 1.5]);
    expect(conv1dOutputLength(8)).toBe(4);
    expect(conv1dOutputLength(1)).toBe(1);
  });

  it('conv1d sums over input channels with [out, in, k] weights', () => {
    // 2 in channels, 1 out: channel 0 impulse at 2, channel 1 impulse at 2; kernel ch0 = [0,0,1,0,0], ch1 = [0,0,10,0,0].
    const input = Float32Array.of(0, 0, 1, 0, /* ch1 */ 0, 0, 1, 0);
    const weight = Float32Array.of(0, 0, 1, 0, 0, 0, 0, 10, 0, 0);
    const out = conv1d({ data: input, channels: 2, length: 4 }, weight, null, 1);
    expect(Array.from(out.data)).toEqual([0, 11]);
  });

  it('glu multiplies the first half of the channels by the sigmoid of the second half', () => {
    const out = glu({ data: Float32Array.of(2, 1, /* gate */ 0, Math.log(3)), channels: 2, length: 2 });
    expect(out.channels).toBe(1);
    expect(out.data[0]).toBeCloseTo(1, 6); // 2 * sigmoid(0)
    expect(out.data[1]).toBeCloseTo(0.75, 6); // 1 * sigmoid(ln 3)
  });

  it('layerNorm normalises each frame with the biased variance and eps 1e-5', () => {
    const out = layerNorm(Float32Array.of(1, 2, 3, 4), 1, 4, Float32Array.of(1, 1, 2, 1), Float32Array.of(0, 0, 0, 1));
    const s = Math.sqrt(1.25 + 1e-5);
    expect(out[0]).toBeCloseTo(-1.5 / s, 6);
    expect(out[1]).toBeCloseTo(-0.5 / s, 6);
    expect(out[2]).toBeCloseTo((2 * 0.5) / s, 6);
    expect(out[3]).toBeCloseTo(1.5 / s + 1, 6);
  });

  it('gelu is the exact erf form', () => {
    expect(gelu(0)).toBe(0);
    expect(gelu(1)).toBeCloseTo(0.8413447460685429, 6);
    expect(gelu(-1)).toBeCloseTo(-0.15865525393145707, 6);
    expect(gelu(3)).toBeCloseTo(2.9959502, 6);
  });

  it('linear uses PyTorch [out, in] weights', () => {
    expect(Array.from(linear(Float32Array.of(1, 2), 1, 2, Float32Array.of(1, 0, 3, 4, 0, 1), 3, Float32Array.of(0, 0, 1)))).toEqual([1, 11, 3]);
  });

  it('the subsampler divides frames by 8 and keeps width 80', () => {
    expect([1, 8, 9, 16, 17, 100, 3000].map((t) => subsampledLength(t))).toEqual([1, 1, 2, 2, 3, 13, 375]);
    const w = randomSubsamplerWeights(1, 48);
    const { features, frames } = subsampleReference(randomArray(2, 80 * 37), 37, w);
    expect(frames).toBe(5);
    expect(features.length).toBe(5 * 80);
    // LayerNorm with gamma ~1, beta ~0: each frame has near-zero mean.
    let mean = 0;
    for (let i = 0; i < 80; i++) mean += features[i]!;
    expect(Math.abs(mean / 80)).toBeLessThan(0.1);
  });
});
