// Plain Float32Array maths for the ES4R Stage 2 references (tests only). Matrices are row-major; a
// "linear" weight uses PyTorch's nn.Linear layout [out, in], so y = x W^T + b.

/** [rows, cols] row-major matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export function matrix(rows: number, cols: number, data: Float32Array = new Float32Array(rows * cols)): Matrix {
  if (data.length !== rows * cols) throw new Error(`matrix: ${data.length} values for ${rows}x${cols}`);
  return { rows, cols, data };
}

/** y = x W^T + b, W in [out, in] layout; bias may be omitted (Whisper's k_proj). Accumulates in float64. */
export function linear(x: Matrix, weight: Float32Array, outFeatures: number, bias?: Float32Array): Matrix {
  const inFeatures = x.cols;
  if (weight.length !== outFeatures * inFeatures) throw new Error('linear: weight size');
  const y = matrix(x.rows, outFeatures);
  for (let r = 0; r < x.rows; r++) {
    for (let o = 0; o < outFeatures; o++) {
      let sum = bias ? bias[o]! : 0;
      for (let i = 0; i < inFeatures; i++) sum += x.data[r * inFeatures + i]! * weight[o * inFeatures + i]!;
      y.data[r * outFeatures + o] = sum;
    }
  }
  return y;
}

/** LayerNorm over the last axis (biased variance, eps 1e-5 as in PyTorch/Whisper). */
export function layerNorm(x: Matrix, gamma: Float32Array, beta: Float32Array, eps = 1e-5): Matrix {
  const y = matrix(x.rows, x.cols);
  for (let r = 0; r < x.rows; r++) {
    let mean = 0;
    for (let c = 0; c < x.cols; c++) mean += x.data[r * x.cols + c]!;
    mean /= x.cols;
    let variance = 0;
    for (let c = 0; c < x.cols; c++) variance += (x.data[r * x.cols + c]! - mean) ** 2;
    variance /= x.cols;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let c = 0; c < x.cols; c++) y.data[r * x.cols + c] = (x.data[r * x.cols + c]! - mean) * inv * gamma[c]! + beta[c]!;
  }
  return y;
}

// One scalar maths for both stages' references.
export { erf, gelu, sigmoid } from '../stage1/tensorMath.reference';

export function map(x: Matrix, f: (v: number) => number): Matrix {
  return matrix(x.rows, x.cols, x.data.map(f));
}

export function add(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error('add: shape mismatch');
  return matrix(a.rows, a.cols, a.data.map((v, i) => v + b.data[i]!));
}

/**
 * Multi-head scaled dot-product attention on already projected q [Tq, E], k [Tk, E], v [Tk, E]:
 * per head h (columns h*hd .. (h+1)*hd), softmax(q_h k_h^T / sqrt(hd)) v_h, heads concatenated. No mask.
 */
export function multiHeadAttention(q: Matrix, k: Matrix, v: Matrix, heads: number): Matrix {
  const e = q.cols;
  if (e % heads !== 0) throw new Error('attention: embed not divisible by heads');
  const hd = e / heads;
  const scale = 1 / Math.sqrt(hd);
  const out = matrix(q.rows, e);
  const scores = new Float64Array(k.rows);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < q.rows; i++) {
      let max = -Infinity;
      for (let j = 0; j < k.rows; j++) {
        let s = 0;
        for (let c = 0; c < hd; c++) s += q.data[i * e + h * hd + c]! * k.data[j * e + h * hd + c]!;
        scores[j] = s * scale;
        max = Math.max(max, scores[j]!);
      }
      let total = 0;
      for (let j = 0; j < k.rows; j++) {
        scores[j] = Math.exp(scores[j]! - max);
        total += scores[j]!;
      }
      for (let c = 0; c < hd; c++) {
        let s = 0;
        for (let j = 0; j < k.rows; j++) s += (scores[j]! / total) * v.data[j * e + h * hd + c]!;
        out.data[i * e + h * hd + c] = s;
      }
    }
  }
  return out;
}
