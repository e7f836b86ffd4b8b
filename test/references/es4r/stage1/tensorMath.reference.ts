// Plain Float32Array reference maths for ES4R Stage 1 (tests only; the app runs the ONNX graphs).
// Layouts: channel-first signals are [channels, length] row-major; sequences are [frames, width] row-major.

/** A channel-first signal [channels, length]. */
export interface Signal {
  data: Float32Array;
  channels: number;
  length: number;
}

/** Output length of a Conv1d: floor((T + 2p - k) / s) + 1. */
export function conv1dOutputLength(length: number, kernel = 5, stride = 2, padding = 2): number {
  return Math.floor((length + 2 * padding - kernel) / stride) + 1;
}

/** PyTorch Conv1d (zero padding, no dilation/groups); weight [out, in, kernel]. */
export function conv1d(
  input: Signal,
  weight: Float32Array,
  bias: Float32Array | null,
  outChannels: number,
  kernel = 5,
  stride = 2,
  padding = 2,
): Signal {
  const { channels: inChannels, length } = input;
  if (weight.length !== outChannels * inChannels * kernel) throw new Error(`conv1d: weight has ${weight.length} values, expected ${outChannels}x${inChannels}x${kernel}`);
  const outLength = conv1dOutputLength(length, kernel, stride, padding);
  const out = new Float32Array(outChannels * outLength);
  for (let o = 0; o < outChannels; o++) {
    for (let t = 0; t < outLength; t++) {
      let sum = bias ? bias[o]! : 0;
      const start = t * stride - padding;
      for (let c = 0; c < inChannels; c++) {
        for (let k = 0; k < kernel; k++) {
          const x = start + k;
          if (x < 0 || x >= length) continue;
          sum += weight[(o * inChannels + c) * kernel + k]! * input.data[c * length + x]!;
        }
      }
      out[o * outLength + t] = sum;
    }
  }
  return { data: out, channels: outChannels, length: outLength };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** GLU over the channel axis (PyTorch F.glu(x, dim=1)): first half * sigmoid(second half). */
export function glu(input: Signal): Signal {
  if (input.channels % 2 !== 0) throw new Error('glu: odd channel count');
  const half = input.channels / 2;
  const n = half * input.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = input.data[i]! * sigmoid(input.data[n + i]!);
  return { data: out, channels: half, length: input.length };
}

/** erf(x) via the Numerical Recipes erfc Chebyshev fit (fractional error < 1.2e-7). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Exact (erf) GELU, PyTorch's default nn.GELU(): 0.5 x (1 + erf(x / sqrt 2)). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** x [frames, inDim] times W^T with W [outDim, inDim] (PyTorch Linear), plus optional bias. */
export function linear(x: Float32Array, frames: number, inDim: number, weight: Float32Array, outDim: number, bias: Float32Array | null = null): Float32Array {
  if (weight.length !== outDim * inDim) throw new Error(`linear: weight has ${weight.length} values, expected ${outDim}x${inDim}`);
  const out = new Float32Array(frames * outDim);
  for (let f = 0; f < frames; f++) {
    for (let o = 0; o < outDim; o++) {
      let sum = bias ? bias[o]! : 0;
      for (let i = 0; i < inDim; i++) sum += x[f * inDim + i]! * weight[o * inDim + i]!;
      out[f * outDim + o] = sum;
    }
  }
  return out;
}

/** LayerNorm over the last axis of x [frames, width] (biased variance, like PyTorch). */
export function layerNorm(x: Float32Array, frames: number, width: number, gamma: Float32Array, beta: Float32Array, eps = 1e-5): Float32Array {
  const out = new Float32Array(frames * width);
  for (let f = 0; f < frames; f++) {
    let mean = 0;
    for (let i = 0; i < width; i++) mean += x[f * width + i]!;
    mean /= width;
    let variance = 0;
    for (let i = 0; i < width; i++) variance += (x[f * width + i]! - mean) ** 2;
    variance /= width;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < width; i++) out[f * width + i] = (x[f * width + i]! - mean) * inv * gamma[i]! + beta[i]!;
  }
  return out;
}

/** [rows, cols] -> [cols, rows]. */
export function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}
