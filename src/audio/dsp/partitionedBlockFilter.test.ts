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

  it('takes back the newest adaptations: a rollback after learning a wrong target restores the weights from before it', () => {
    const filter = new PartitionedBlockFilter(B, PARTITIONS, 2);
    run(filter, input, desired, true);
    filter.clearInput();
    const before = run(filter, input.subarray(0, 8 * B), desired.subarray(0, 8 * B), false);
    filter.clearInput();
    // Two blocks of something else than the FIR's output (a burst), learned: the filter moves away from the FIR.
    const burst = lcgNoise(2 * B, 9).map((x) => 5 * x);
    run(filter, input.subarray(0, 2 * B), burst, true);
    expect(filter.adaptationsKept).toBe(2);
    filter.clearInput();
    const misadjusted = run(filter, input.subarray(0, 8 * B), desired.subarray(0, 8 * B), false);
    expect(powerDb(misadjusted.map((e, n) => e - before[n]!), 0, 8 * B) - powerDb(desired, 0, 8 * B)).toBeGreaterThan(-20);
    filter.rollback(5);
    expect(filter.adaptationsKept).toBe(0);
    filter.clearInput();
    const restored = run(filter, input.subarray(0, 8 * B), desired.subarray(0, 8 * B), false);
    expect(restored).toEqual(before);
  });

  it('keeps only rollbackDepth adaptations, and none across a shift', () => {
    const filter = new PartitionedBlockFilter(B, PARTITIONS, 2);
    run(filter, input.subarray(0, 10 * B), desired.subarray(0, 10 * B), true);
    expect(filter.adaptationsKept).toBe(2);
    filter.rollback(1);
    expect(filter.adaptationsKept).toBe(1);
    filter.shiftPartitions(1);
    expect(filter.adaptationsKept).toBe(0);
    expect(new PartitionedBlockFilter(B, PARTITIONS).adaptationsKept).toBe(0);
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
