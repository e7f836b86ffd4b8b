// An independent reference of a Llama/Qwen2 decoder, written from the architecture's equations in plain loops
// (float64), reading its weights back from the ONNX file's initializers (MatMulNBits codes dequantised). Used by
// the tests to check the graph builder's numerics.
import onnxProto from 'onnx-proto';
import type { LlmArchitecture } from './architectures';

const { onnx } = onnxProto;

/** A model's initializers as float32 / uint8 arrays by name. */
export function readInitializers(bytes: Uint8Array): Map<string, Float32Array | Uint8Array> {
  const model = onnx.ModelProto.decode(bytes);
  const out = new Map<string, Float32Array | Uint8Array>();
  for (const t of model.graph!.initializer!) {
    const raw = t.rawData!;
    const copy = new Uint8Array(raw);
    if (t.dataType === onnx.TensorProto.DataType.FLOAT) out.set(t.name!, new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4));
    else if (t.dataType === onnx.TensorProto.DataType.UINT8) out.set(t.name!, copy);
  }
  return out;
}

type Weights = Map<string, Float32Array | Uint8Array>;

function get(weights: Weights, name: string): Float32Array | Uint8Array {
  const value = weights.get(name);
  if (!value) throw new Error(`no initializer ${name}`);
  return value;
}

/** y = x W^T (+ b) with W[n][k] dequantised from MatMulNBits' symmetric 4-bit blocks of 32 (zero point 8). */
function q4Linear(weights: Weights, name: string, x: Float64Array, k: number, n: number): Float64Array {
  const packed = get(weights, `${name}.weight_Q4`) as Uint8Array;
  const scales = get(weights, `${name}.weight_scales`) as Float32Array;
  const bias = weights.get(`${name}.bias`) as Float32Array | undefined;
  const blocks = k / 32;
  const y = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    let sum = 0;
    for (let col = 0; col < k; col++) {
      const byte = packed[row * blocks * 16 + Math.floor(col / 2)]!;
      const code = col % 2 === 0 ? byte & 15 : byte >> 4;
      sum += x[col]! * (code - 8) * scales[row * blocks + Math.floor(col / 32)]!;
    }
    y[row] = sum + (bias ? bias[row]! : 0);
  }
  return y;
}

function rmsNorm(x: Float64Array, weight: Float32Array, eps: number): Float64Array {
  let squares = 0;
  for (const value of x) squares += value * value;
  const inverse = 1 / Math.sqrt(squares / x.length + eps);
  return x.map((value, i) => value * inverse * weight[i]!);
}

/** Rotates each head's pairs (j, j + d/2) by position x theta^(-2j/d). */
function rope(x: Float64Array, headCount: number, headDim: number, position: number, theta: number): Float64Array {
  const out = new Float64Array(x.length);
  const half = headDim / 2;
  for (let h = 0; h < headCount; h++) {
    for (let j = 0; j < half; j++) {
      const angle = position * theta ** ((-2 * j) / headDim);
      const a = x[h * headDim + j]!;
      const b = x[h * headDim + j + half]!;
      out[h * headDim + j] = a * Math.cos(angle) - b * Math.sin(angle);
      out[h * headDim + j + half] = b * Math.cos(angle) + a * Math.sin(angle);
    }
  }
  return out;
}

export interface ReferenceOutput {
  /** [tokens][vocab] */
  logits: Float64Array[];
  /** Per layer: keys and values [tokens][kvHeads * headDim] after RoPE (keys). */
  keys: Float64Array[][];
  values: Float64Array[][];
}

/** The causal forward of `tokens` at positions 0..n-1 of a q4 decoder (float32 activations). */
export function referenceForward(a: LlmArchitecture, weights: Weights, tokens: number[]): ReferenceOutput {
  const table = get(weights, 'model.embed_tokens.weight') as Float32Array;
  const qWidth = a.heads * a.headDim;
  const kvWidth = a.kvHeads * a.headDim;
  const groupSize = a.heads / a.kvHeads;
  let hidden = tokens.map((id) => Float64Array.from(table.subarray(id * a.hidden, (id + 1) * a.hidden)));
  const keys: Float64Array[][] = [];
  const values: Float64Array[][] = [];
  for (let l = 0; l < a.layers; l++) {
    const p = `model.layers.${l}`;
    const normed = hidden.map((x) => rmsNorm(x, get(weights, `${p}.input_layernorm.weight`) as Float32Array, a.rmsNormEps));
    const q = normed.map((x, t) => rope(q4Linear(weights, `${p}.self_attn.q_proj`, x, a.hidden, qWidth), a.heads, a.headDim, t, a.ropeTheta));
    const k = normed.map((x, t) => rope(q4Linear(weights, `${p}.self_attn.k_proj`, x, a.hidden, kvWidth), a.kvHeads, a.headDim, t, a.ropeTheta));
    const v = normed.map((x) => q4Linear(weights, `${p}.self_attn.v_proj`, x, a.hidden, kvWidth));
    keys.push(k);
    values.push(v);
    hidden = hidden.map((x, t) => {
      const context = new Float64Array(qWidth);
      for (let h = 0; h < a.heads; h++) {
        const kvHead = Math.floor(h / groupSize);
        const scores = Array.from({ length: t + 1 }, (_, s) => {
          let dot = 0;
          for (let d = 0; d < a.headDim; d++) dot += q[t]![h * a.headDim + d]! * k[s]![kvHead * a.headDim + d]!;
          return dot / Math.sqrt(a.headDim);
        });
        const max = Math.max(...scores);
        const exps = scores.map((score) => Math.exp(score - max));
        const total = exps.reduce((sum, e) => sum + e, 0);
        exps.forEach((e, s) => {
          for (let d = 0; d < a.headDim; d++) context[h * a.headDim + d] = context[h * a.headDim + d]! + (e / total) * v[s]![kvHead * a.headDim + d]!;
        });
      }
      const projected = q4Linear(weights, `${p}.self_attn.o_proj`, context, qWidth, a.hidden);
      const attended = x.map((value, i) => value + projected[i]!);
      const normed2 = rmsNorm(attended, get(weights, `${p}.post_attention_layernorm.weight`) as Float32Array, a.rmsNormEps);
      const gate = q4Linear(weights, `${p}.mlp.gate_proj`, normed2, a.hidden, a.intermediate);
      const up = q4Linear(weights, `${p}.mlp.up_proj`, normed2, a.hidden, a.intermediate);
      const activated = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
      const down = q4Linear(weights, `${p}.mlp.down_proj`, activated, a.intermediate, a.hidden);
      return attended.map((value, i) => value + down[i]!);
    });
  }
  // Tied head: logits[v] = final-normed x . table row v.
  const logits = hidden.map((x) => {
    const normed = rmsNorm(x, get(weights, 'model.norm.weight') as Float32Array, a.rmsNormEps);
    const out = new Float64Array(a.vocab);
    for (let v = 0; v < a.vocab; v++) {
      let dot = 0;
      for (let i = 0; i < a.hidden; i++) dot += normed[i]! * table[v * a.hidden + i]!;
      out[v] = dot;
    }
    return out;
  });
  return { logits, keys, values };
}
