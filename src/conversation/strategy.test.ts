import { describe, expect, it } from 'vitest';
import { DEFAULT_TAU_DB, deltaDb, strategyFor, turnEnergy, turnEnergyDb } from './strategy';

describe('turnEnergy', () => {
  it('averages e_t over speech frames only', () => {
    const energy = Float32Array.from([100, 2, 4, 6, 100]);
    expect(turnEnergy(energy, Uint8Array.from([0, 1, 1, 1, 0]))).toBe(4);
    expect(turnEnergy(energy, Uint8Array.from([1, 0, 0, 0, 0]))).toBe(100);
  });

  it('gives dB as 10 log10 of the power: mean 1000 -> 30 dB', () => {
    expect(turnEnergyDb(Float32Array.from([500, 1500]), Uint8Array.from([1, 1]))).toBeCloseTo(30, 10);
  });

  it('rejects mismatched lengths and turns without speech frames', () => {
    expect(() => turnEnergy(new Float32Array(3), new Uint8Array(2))).toThrow(RangeError);
    expect(() => turnEnergy(new Float32Array(3), new Uint8Array(3))).toThrow(/no speech/);
  });
});

describe('deltaDb', () => {
  it('is null with fewer than two turns', () => {
    expect(deltaDb([])).toBeNull();
    expect(deltaDb([-20])).toBeNull();
  });

  it('compares the last turn with the mean of all earlier ones', () => {
    expect(deltaDb([0, -6])).toBe(-6);
    // mean(0, -6) = -3; -12 - (-3) = -9
    expect(deltaDb([0, -6, -12])).toBe(-9);
    // mean(-12, -6, 0) = -6; 3 - (-6) = 9
    expect(deltaDb([-12, -6, 0, 3])).toBe(9);
  });
});

describe('strategyFor', () => {
  it('is neutral with one turn', () => {
    expect(strategyFor([-30])).toEqual({ strategy: 'neutral', deltaDb: null });
  });

  it('comforts a falling voice and encourages a rising one', () => {
    expect(strategyFor([0, -6, -12])).toEqual({ strategy: 'comfort', deltaDb: -9 });
    expect(strategyFor([-12, -6, 0])).toEqual({ strategy: 'encourage', deltaDb: 9 });
    expect(strategyFor([-20, -21, -19])).toEqual({ strategy: 'neutral', deltaDb: 1.5 });
  });

  it('includes the boundaries: delta exactly -tau comforts, exactly +tau encourages', () => {
    expect(DEFAULT_TAU_DB).toBe(3);
    expect(strategyFor([-10, -13]).strategy).toBe('comfort');
    expect(strategyFor([-10, -7]).strategy).toBe('encourage');
    expect(strategyFor([-10, -12.5]).strategy).toBe('neutral');
    expect(strategyFor([-10, -7.5]).strategy).toBe('neutral');
    expect(strategyFor([-10, -12], 2).strategy).toBe('comfort');
  });

  it('rejects a tau that is not a positive finite number', () => {
    expect(() => strategyFor([0, 1], -1)).toThrow(RangeError);
    expect(() => strategyFor([0, 1], 0)).toThrow(RangeError);
    expect(() => strategyFor([0, 1], Number.NaN)).toThrow(RangeError);
  });
});
