// Reference CIF (continuous integrate-and-fire) at inference, sequential form (tests only).
//
// Input x [T, d]. alpha_t = sigmoid(x[t, d-1]) (the last channel); S = sum alpha; N = max(1, round(S)) with
// round half to even (torch.round / ONNX Round); alphas rescaled by N / S so they sum to N. The other d-1
// channels h_t = x[t, 0..d-2] are integrated with weight alpha_t: whenever the accumulated weight reaches 1,
// the crossing frame's weight is split — the part that completes 1 goes into the fired vector, the rest starts
// the next one (a frame with alpha > 1 can fire several times). Exactly N vectors are emitted:
//  - if floating point leaves the total slightly short of N, the last vector is fired at the end of the input
//    with whatever weight it accumulated (slightly under 1; not renormalised);
//  - if it leaves the total slightly over N, firing stops after N vectors and the excess (~1e-7) is dropped.
// Equivalently (the closed form used by the ONNX graph), vector k = sum_t w[k,t] h_t with
//   w[k,t] = max(0, min(c_t, k+1) - max(c_{t-1}, k)),  c_t = alpha_1 + ... + alpha_t, k = 0..N-1.
import { matrix, sigmoid, type Matrix } from './math.reference';

/** Round half to even, as torch.round and ONNX Round. */
export function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface CifResult {
  /** [N, d-1] fired vectors. */
  fired: Matrix;
  /** The rescaled alphas (sum N). */
  alphas: Float32Array;
  tokenCount: number;
}

/** The CIF weights from raw alphas: N and the rescaled alphas. */
export function cifAlphas(raw: Float32Array): { alphas: Float32Array; tokenCount: number } {
  let sum = 0;
  for (const a of raw) sum += a;
  const tokenCount = Math.max(1, roundHalfToEven(sum));
  return { alphas: raw.map((a) => (a * tokenCount) / sum), tokenCount };
}

/** Integrate-and-fire over `values` [T, c] with rescaled `alphas` (sum ~ tokenCount), emitting tokenCount rows. */
export function integrateAndFire(values: Matrix, alphas: Float32Array, tokenCount: number): Matrix {
  const c = values.cols;
  const fired = matrix(tokenCount, c);
  const current = new Float64Array(c);
  let accumulated = 0;
  let count = 0;
  for (let t = 0; t < values.rows && count < tokenCount; t++) {
    let remaining = alphas[t]!;
    while (count < tokenCount && accumulated + remaining >= 1) {
      const take = 1 - accumulated;
      for (let j = 0; j < c; j++) fired.data[count * c + j] = current[j]! + take * values.data[t * c + j]!;
      count++;
      current.fill(0);
      accumulated = 0;
      remaining -= take;
    }
    if (count >= tokenCount) break;
    accumulated += remaining;
    for (let j = 0; j < c; j++) current[j] = current[j]! + remaining * values.data[t * c + j]!;
  }
  // Floating point left the total just short of N: fire the last (incomplete) vector at the end of the input.
  if (count < tokenCount) {
    for (let j = 0; j < c; j++) fired.data[count * c + j] = current[j]!;
    count++;
  }
  if (count !== tokenCount) throw new Error(`CIF fired ${count} of ${tokenCount} vectors`);
  return fired;
}

/** CIF at inference on x [T, d]: alpha from the last channel, integrate the first d-1 channels. */
export function cifReference(x: Matrix): CifResult {
  const d = x.cols;
  if (x.rows < 1 || d < 2) throw new Error('CIF needs at least one frame and two channels');
  const raw = new Float32Array(x.rows);
  const values = matrix(x.rows, d - 1);
  for (let t = 0; t < x.rows; t++) {
    raw[t] = sigmoid(x.data[t * d + d - 1]!);
    values.data.set(x.data.subarray(t * d, t * d + d - 1), t * (d - 1));
  }
  const { alphas, tokenCount } = cifAlphas(raw);
  return { fired: integrateAndFire(values, alphas, tokenCount), alphas, tokenCount };
}
