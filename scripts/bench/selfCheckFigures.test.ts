import { describe, expect, it } from 'vitest';
import { formatFigures, probeFigures } from './selfCheckFigures';

/** Two steps over a vocabulary of 12: step 0 ranks token 11 first, step 1 ranks token 0 first. */
function logits(): Float32Array {
  const values = new Float32Array(24);
  for (let i = 0; i < 12; i++) {
    values[i] = i;
    values[12 + i] = 12 - i;
  }
  return values;
}

describe('probeFigures', () => {
  it('reads logits as tokens and numbers: a hand-made perturbation gives the hand-computed figures', () => {
    const reference = logits();
    const candidate = logits();
    // Step 0: token 0 (last of 12) jumps to the top: greedy differs, top-10 still shares 9 of 10 (token 2 drops out).
    candidate[0] = 20;
    const figures = probeFigures({ kind: 'logits', steps: 2, outputs: [candidate] }, { kind: 'logits', steps: 2, outputs: [reference] });
    // max |diff| = 20 at index 0, max |reference| = 12.
    expect(figures.relativeError).toBeCloseTo(20 / 12, 6);
    expect(figures.greedyAgreement).toBe(0.5);
    expect(figures.topKOverlap).toBeCloseTo((0.9 + 1) / 2, 6);
    expect(figures.spectrumDb).toBeNull();
    expect(formatFigures(figures, 2)).toBe('rel 1.7e+0, greedy 1/2, top-10 95%');
  });

  it('compares speech by spectrum even when the lengths differ, and then gives no relative error', () => {
    const tone = (length: number, gain: number) => Float32Array.from({ length }, (_, n) => gain * Math.sin((2 * Math.PI * 440 * n) / 24_000));
    const figures = probeFigures({ kind: 'waveform', sampleRate: 24_000, outputs: [tone(24_000, 2)] }, { kind: 'waveform', sampleRate: 24_000, outputs: [tone(23_000, 1)] });
    expect(figures.relativeError).toBeNull();
    expect(figures.greedyAgreement).toBeNull();
    // A gain of 2 is 20 log10(2) = 6.02 dB in every voiced bin.
    expect(figures.spectrumDb).toBeCloseTo(6.02, 1);
    expect(formatFigures(figures, null)).toBe('rel n/a (shapes differ), spectrum 6.02 dB');
  });
});
