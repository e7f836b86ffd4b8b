// CIF inputs for the parity tests (wasm and WebGPU): random frames, and hand-made alphas that reach CIF's edge cases.
import { matrix, type Matrix } from './math.reference';
import { randomActivations } from '../../../../scripts/es4r/graphs/stage2/weights';

/** [label, hidden [frames, d]]: the last channel holds the alpha logits. */
export function cifCases(d: number, randomFrames: readonly number[]): [string, Matrix][] {
  const cases: [string, Matrix][] = randomFrames.map((frames) => [`random T=${frames}`, matrix(frames, d, randomActivations(7 * frames, frames, d, 3))]);
  const handmade = (logits: number[]) => {
    const x = matrix(logits.length, d, randomActivations(logits.length, logits.length, d));
    logits.forEach((l, t) => (x.data[t * d + d - 1] = l));
    return x;
  };
  // Logits 0 -> alphas 0.5 (means of pairs); a frame whose rescaled alpha exceeds 1; a near-zero total (N forced to 1).
  cases.push(['alphas 0.5 x4', handmade([0, 0, 0, 0])]);
  cases.push(['alpha > 1 after rescaling', handmade([Math.log(0.99 / 0.01), Math.log(0.52 / 0.48)])]);
  cases.push(['tiny total', handmade([-12, -11, -13])]);
  return cases;
}
