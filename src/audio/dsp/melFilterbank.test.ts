import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { MelFilterbank, hzToSlaneyMel, slaneyMelToHz } from './melFilterbank';

describe('Slaney mel scale', () => {
  it('is linear at 200/3 Hz per mel below 1 kHz and gains 27 mel per factor 6.4 above', () => {
    expect(hzToSlaneyMel(500)).toBeCloseTo(7.5, 12);
    expect(hzToSlaneyMel(1000)).toBeCloseTo(15, 12);
    expect(hzToSlaneyMel(6400)).toBeCloseTo(42, 12);
    expect(slaneyMelToHz(42)).toBeCloseTo(6400, 9);
    expect(slaneyMelToHz(hzToSlaneyMel(3456.7))).toBeCloseTo(3456.7, 9);
  });
});

describe('MelFilterbank (80 mels, n_fft 400, 16 kHz, 0-8000 Hz)', () => {
  const bank = new MelFilterbank({ nMels: 80 });

  it('has hand-computed edges and weights for the first filter', () => {
    // mel(8000) = 15 + 27 ln(8) / ln(6.4) = 45.24564; step = 45.24564 / 81 mel = 37.23921 Hz
    expect(bank.edgesHz[1]).toBeCloseTo(37.23921, 4);
    expect(bank.edgesHz[2]).toBeCloseTo(74.47842, 4);
    // bin 1 (40 Hz) is on the falling edge: (74.47842 - 40) / 37.23921 * 2 / 74.47842 = 0.02486259
    expect(bank.weightAt(0, 1)).toBeCloseTo(0.02486259, 7);
    expect(bank.weightAt(0, 0)).toBe(0);
    expect(bank.weightAt(0, 2)).toBe(0);
  });

  it('breaks from linear to logarithmic spacing at 1 kHz (15 mel)', () => {
    const spacing = Array.from({ length: 81 }, (_, i) => bank.edgesHz[i + 1]! - bank.edgesHz[i]!);
    const below = spacing.filter((_, i) => bank.edgesHz[i + 1]! <= 1000);
    for (const s of below) expect(s).toBeCloseTo(37.23921, 4);
    expect(spacing[80]!).toBeGreaterThan(200);
  });

  it('is a set of triangles: one rising run then one falling run, peak at most 2 / (f_hi - f_lo)', () => {
    for (let m = 0; m < 80; m++) {
      const lo = bank.edgesHz[m]!;
      const hi = bank.edgesHz[m + 2]!;
      const weights = Array.from({ length: 201 }, (_, k) => bank.weightAt(m, k));
      const peak = Math.max(...weights);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(2 / (hi - lo) + 1e-12);
      const peakBin = weights.indexOf(peak);
      for (let k = 1; k <= peakBin; k++) expect(weights[k]!).toBeGreaterThanOrEqual(weights[k - 1]!);
      for (let k = peakBin + 1; k < 201; k++) expect(weights[k]!).toBeLessThanOrEqual(weights[k - 1]!);
      for (let k = 0; k < 201; k++) if (k * 40 <= lo || k * 40 >= hi) expect(weights[k]).toBe(0);
    }
  });

  it('has unit area (slaney norm 2 / (f_hi - f_lo)) once filters span many bins: sum w * 40 Hz = 1 within 2 % above 50', () => {
    for (let m = 50; m < 80; m++) {
      let area = 0;
      for (let k = 0; k < 201; k++) area += bank.weightAt(m, k) * 40;
      expect(Math.abs(area - 1)).toBeLessThan(0.02);
    }
  });

  it.each([80, 128])('matches transformers.js mel_filter_bank (%i mels) to 1e-7 (float32 of the reference)', (nMels) => {
    const reference = new WhisperFeatureExtractor({ feature_size: nMels, sampling_rate: 16000, hop_length: 160, chunk_length: 30, n_fft: 400, padding_value: 0 });
    const filters = (reference as unknown as { config: { mel_filters: ArrayLike<number>[] } }).config.mel_filters;
    const ours = new MelFilterbank({ nMels });
    let worst = 0;
    for (let m = 0; m < nMels; m++) for (let k = 0; k < 201; k++) worst = Math.max(worst, Math.abs(ours.weightAt(m, k) - filters[m]![k]!));
    expect(worst).toBeLessThan(1e-7);
  });

  it('apply() gives the sparse dot product', () => {
    const power = Float64Array.from({ length: 201 }, (_, k) => 1 + k);
    const out = new Float32Array(80);
    bank.apply(power, out);
    let expected = 0;
    for (let k = 0; k < 201; k++) expected += bank.weightAt(50, k) * (1 + k);
    expect(out[50]).toBeCloseTo(expected, 4);
  });
});
