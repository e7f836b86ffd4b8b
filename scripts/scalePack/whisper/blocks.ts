// Whisper's transformer pieces (HF WhisperAttention / WhisperEncoderLayer as Optimum exports them) over one graph
// builder, with the linear layers in the graph's weight format (ScaleWeights). Tensor names follow the HF state dict
// (model.encoder.layers.0.self_attn.q_proj...), so they are unique across a model and its If branches.
import { attr, type GraphBuilder } from '../../tinyPack/onnxGraph';
import type { ScaleWeights } from '../scaleWeights';
import { headDim, type WhisperArchitecture } from './architectures';

/** PyTorch's LayerNorm epsilon, which Whisper keeps. */
const LAYER_NORM_EPSILON = 1e-5;

export class WhisperBlocks {
  private readonly constants = new Map<string, string>();

  constructor(
    readonly g: GraphBuilder,
    readonly w: ScaleWeights,
    readonly a: WhisperArchitecture,
    /** Keeps this builder's constant names apart from those of the other graphs of the same model. */
    private readonly scope: string,
  ) {}

  /** A float scalar constant, one per value and builder. */
  scalar(value: number): string {
    const key = `f${value}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.w.scalar(`${this.scope}.const_${this.constants.size}`, value);
      this.constants.set(key, name);
    }
    return name;
  }

  /** An int64 vector constant (shapes, axes), one per value list and builder. */
  int64(values: number[]): string {
    const key = `i${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.g.init(`${this.scope}.const_${this.constants.size}`, 'int64', [values.length], BigInt64Array.from(values, BigInt));
      this.constants.set(key, name);
    }
    return name;
  }

  layerNorm(x: string, name: string): string {
    const d = this.a.dModel;
    const scale = this.w.filled(`${name}.weight`, [d], 1);
    const shift = this.w.filled(`${name}.bias`, [d], 0);
    return this.g.op('LayerNormalization', [x, scale, shift], { axis: attr.i(-1), epsilon: attr.f(LAYER_NORM_EPSILON) });
  }

  /** Exact GELU as torch exports it at opset 17: x * 0.5 * (1 + erf(x / sqrt 2)). */
  gelu(x: string): string {
    const erf = this.g.op('Erf', [this.g.op('Div', [x, this.scalar(Math.SQRT2)])]);
    return this.g.op('Mul', [this.g.op('Mul', [x, this.g.op('Add', [erf, this.scalar(1)])]), this.scalar(0.5)]);
  }

  /** [B, T, d] -> [B, heads, T, head_dim] */
  splitHeads(x: string): string {
    const reshaped = this.g.op('Reshape', [x, this.int64([0, -1, this.a.heads, headDim(this.a)])]);
    return this.g.op('Transpose', [reshaped], { perm: attr.ints([0, 2, 1, 3]) });
  }

  /** [B, heads, T, head_dim] -> [B, T, d] */
  mergeHeads(x: string): string {
    const transposed = this.g.op('Transpose', [x], { perm: attr.ints([0, 2, 1, 3]) });
    return this.g.op('Reshape', [transposed, this.int64([0, -1, this.a.dModel])]);
  }

  private projection(x: string, name: string, bias: boolean): string {
    return this.w.linear(x, { name, inFeatures: this.a.dModel, outFeatures: this.a.dModel, bias });
  }

  /** q_proj scaled by head_dim^-0.5 (HF scales the query, not the scores), split into heads. */
  query(x: string, name: string): string {
    return this.splitHeads(this.g.op('Mul', [this.projection(x, `${name}.q_proj`, true), this.scalar(1 / Math.sqrt(headDim(this.a)))]));
  }

  /** k_proj (no bias) and v_proj, split into heads. */
  keyValue(x: string, name: string): [key: string, value: string] {
    return [this.splitHeads(this.projection(x, `${name}.k_proj`, false)), this.splitHeads(this.projection(x, `${name}.v_proj`, true))];
  }

  /** softmax(q k^T + mask) v, merged back and through out_proj. */
  attend(q: string, k: string, v: string, name: string, mask?: string): string {
    let scores = this.g.op('MatMul', [q, this.g.op('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) })]);
    if (mask) scores = this.g.op('Add', [scores, mask]);
    const heads = this.g.op('MatMul', [this.g.op('Softmax', [scores], { axis: attr.i(-1) }), v]);
    return this.projection(this.mergeHeads(heads), `${name}.out_proj`, true);
  }

  /** fc1, GELU, fc2. */
  feedForward(x: string, name: string): string {
    const { dModel: d, ffnDim } = this.a;
    const hidden = this.gelu(this.w.linear(x, { name: `${name}.fc1`, inFeatures: d, outFeatures: ffnDim, bias: true }));
    return this.w.linear(hidden, { name: `${name}.fc2`, inFeatures: ffnDim, outFeatures: d, bias: true });
  }

  /** One pre-LN encoder layer (WhisperEncoderLayer). */
  encoderLayer(x: string, name: string): string {
    const normed = this.layerNorm(x, `${name}.self_attn_layer_norm`);
    const [k, v] = this.keyValue(normed, `${name}.self_attn`);
    const attended = this.g.op('Add', [x, this.attend(this.query(normed, `${name}.self_attn`), k, v, `${name}.self_attn`)]);
    return this.g.op('Add', [attended, this.feedForward(this.layerNorm(attended, `${name}.final_layer_norm`), name)]);
  }
}
