import { describe, expect, it } from 'vitest';
import { lcgNoise } from '../../../test/support/lcgNoise';
import { PartitionedBlockFilter } from './partitionedBlockFilter';


/** Direct-form FIR: the independent reference the filter must learn to match. */
function convolve(input: Float64Array, taps: Float64Array): Float64Array {
  const out = new Float64Array(input.length);
  for (let n = 0; n < input.length; n++) {
    let sum = 0;
    for (let j = 0; j < taps.length && j <= n; j++) sum += taps[j]! * input[n - j]!;
    out[n] = sum;
  }
  return out;
}

const B = 64;
const PARTITIONS = 4;

function run(filter: PartitionedBlockFilter, input: Float64Array, desired: Float64Array, adapt: boolean): Float64Array {
  const estimate = new Float64Array(input.length);
  const block = new Float64Array(B);
  const error = new Float64Array(B);
  for (let start = 0; start + B <= input.length; start += B) {
    filter.pushInput(input.subarray(start, start + B));
    filter.estimate(block);
    for (let i = 0; i < B; i++) {
      estimate[start + i] = block[i]!;
      error[i] = desired[start + i]! - block[i]!;
    }
    if (adapt) filter.adapt(error, 0.5, 1e-6);
  }
  return estimate;
}

const powerDb = (signal: ArrayLike<number>, from: number, to: number): number => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += signal[i]! ** 2;
  return 10 * Math.log10(sum / (to - from));
};

describe('PartitionedBlockFilter', () => {
  const taps = lcgNoise(B * PARTITIONS, 7).map((value, j) => value * Math.exp(-j / 60));
  const input = lcgNoise(B * 400, 1);
  const desired = convolve(input, taps);

  it('learns an unknown FIR from white noise to 40 dB below its output', () => {
    const filter = new PartitionedBlockFilter(B, PARTITIONS);
    const estimate = run(filter, input, desired, true);
    const residual = desired.map((d, n) => d - estimate[n]!);
    const tail = input.length - 100 * B;
    expect(powerDb(residual, tail, input.length) - powerDb(desired, tail, input.length)).toBeLessThan(-40);
  });

  it('filters exactly once learned: frozen weights reproduce the FIR on new input', () => {
    const filter = new PartitionedBlockFilter(B, PARTITIONS);
    run(filter, input, desired, true);
    filter.clearInput();
    const fresh = lcgNoise(B * 50, 3);
    const estimate = run(filter, fresh, convolve(fresh, taps), false);
    const expected = convolve(fresh, taps);
    const residual = expected.map((d, n) => d - estimate[n]!);
    expect(powerDb(residual, B * PARTITIONS, fresh.length) - powerDb(expected, B * PARTITIONS, fresh.length)).toBeLessThan(-40);
  });

  it('shifts the learned response by whole partitions when the delay before it changes', () => {
    const filter = new PartitionedBlockFilter(B, PARTITIONS);
    run(filter, input, desired, true);
    // The same room heard one block later through a filter whose input is delayed one block less: shift by -1.
    const delayedTaps = new Float64Array(B * PARTITIONS);
    delayedTaps.set(taps.subarray(0, B * (PARTITIONS - 1)), B);
    filter.shiftPartitions(-1);
    filter.clearInput();
    const fresh = lcgNoise(B * 50, 5);
    const estimate = run(filter, fresh, fresh, false);
    const expected = convolve(fresh, delayedTaps);
    const residual = expected.map((d, n) => d - estimate[n]!);
    expect(powerDb(residual, B * PARTITIONS, fresh.length) - powerDb(expected, B * PARTITIONS, fresh.length)).toBeLessThan(-30);
  });
});
