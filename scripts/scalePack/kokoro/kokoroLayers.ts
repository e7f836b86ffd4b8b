// The layers Kokoro's modules are built from, as ONNX nodes in one weight format (fp32, or q8 as onnxruntime's dynamic
// quantizer writes it: MatMulInteger / ConvInteger / DynamicQuantizeLSTM over uint8 weights, ConvTranspose in float).
import { attr, type GraphBuilder } from '../../tinyPack/onnxGraph';
import type { ConvSpec, LinearSpec, ScaleWeights } from '../scaleWeights';
import { tensorSeed, WeightRandom } from '../weights';
import { GraphConstants } from './graphConstants';

const ONNX_FLOAT = 1;
/** uint8 codes centred on 128: the dynamic quantizer's asymmetric form, with the zero point the scale packs use. */
const Q8_ZERO_POINT = 128;

export type LinearLayer = (x: string) => string;

export class KokoroLayers {
  readonly c: GraphConstants;

  constructor(
    readonly g: GraphBuilder,
    readonly w: ScaleWeights,
    private readonly packSeed: number,
  ) {
    this.c = new GraphConstants(g);
  }

  get q8(): boolean {
    return this.w.format === 'q8';
  }

  private bytes(name: string, count: number): Uint8Array {
    return new WeightRandom(tensorSeed(this.packSeed, name)).bytes(count);
  }

  linear(x: string, spec: LinearSpec): string {
    return this.w.linear(x, spec);
  }

  /** One linear layer applied in several places with the same weights (ALBERT shares one layer across its depth). */
  sharedLinear({ name, inFeatures: k, outFeatures: n, amplitude = 1 / Math.sqrt(k) }: LinearSpec): LinearLayer {
    this.w.parameters += k * n;
    const bias = this.w.float(`${name}.bias`, [n], 0.02);
    if (!this.q8) {
      const weight = this.w.float(`${name}.weight`, [k, n], amplitude, { countAsParameters: false });
      return (x) => this.g.op('Add', [this.g.op('MatMul', [x, weight]), bias]);
    }
    const weight = this.g.init(`${name}.weight_quantized`, 'uint8', [k, n], this.bytes(`${name}.weight`, k * n));
    const scale = this.g.init(`${name}.weight_scale`, 'float32', [], Float32Array.of(amplitude / Q8_ZERO_POINT));
    const zero = this.g.init(`${name}.weight_zero_point`, 'uint8', [], Uint8Array.of(Q8_ZERO_POINT));
    return (x) => {
      const [xq, xScale, xZero] = this.g.opN('DynamicQuantizeLinear', [x], 3);
      const integer = this.g.op('MatMulInteger', [xq!, weight, xZero!, zero]);
      const y = this.g.op('Mul', [this.g.op('Cast', [integer], { to: attr.i(ONNX_FLOAT) }), this.g.op('Mul', [xScale!, scale])]);
      return this.g.op('Add', [y, bias]);
    };
  }

  /** Conv1d; `weightNorm` counts the checkpoint's weight_g ([out, 1, 1]) that the export folds into the weight. */
  conv(x: string, spec: ConvSpec, { weightNorm = true } = {}): string {
    if (weightNorm) this.w.parameters += spec.outChannels;
    return this.w.conv1d(x, { bias: true, ...spec });
  }

  /** ConvTranspose1d with weight norm (weight_g is [in, 1, 1] for a transposed conv). */
  convTranspose(x: string, spec: ConvSpec & { outputPadding?: number }): string {
    this.w.parameters += spec.inChannels;
    return this.w.convTranspose1d(x, { bias: true, ...spec });
  }

  /** Conv1d with given float weights (a fixed DFT basis), quantized like any other Conv in q8. */
  fixedConv(x: string, name: string, weights: Float32Array, dims: [number, number, number], stride: number): string {
    const attributes = { kernel_shape: attr.ints([dims[2]]), strides: attr.ints([stride]), pads: attr.ints([0, 0]) };
    if (!this.q8) return this.g.op('Conv', [x, this.g.init(`${name}.weight`, 'float32', dims, weights)], attributes);
    const peak = weights.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    const scale = peak / 127;
    const codes = Uint8Array.from(weights, (v) => Math.round(v / scale) + Q8_ZERO_POINT);
    const [xq, xScale, xZero] = this.g.opN('DynamicQuantizeLinear', [x], 3);
    const w = this.g.init(`${name}.weight_quantized`, 'uint8', dims, codes);
    const wZero = this.g.init(`${name}.weight_zero_point`, 'uint8', [], Uint8Array.of(Q8_ZERO_POINT));
    const integer = this.g.op('ConvInteger', [xq!, w, xZero!, wZero], attributes);
    return this.g.op('Mul', [this.g.op('Cast', [integer], { to: attr.i(ONNX_FLOAT) }), this.g.op('Mul', [xScale!, this.c.scalar(scale)])]);
  }

  /** nn.Embedding: Gather over the table; q8 tables are uint8, dequantized after the Gather as the quantizer does. */
  embedding(ids: string, name: string, rows: number, width: number, amplitude = 1): string {
    if (!this.q8) return this.g.op('Gather', [this.w.float(`${name}.weight`, [rows, width], amplitude), ids], { axis: attr.i(0) });
    this.w.parameters += rows * width;
    const table = this.g.init(`${name}.weight_quantized`, 'uint8', [rows, width], this.bytes(`${name}.weight`, rows * width));
    const zero = this.g.init(`${name}.weight_zero_point`, 'uint8', [], Uint8Array.of(Q8_ZERO_POINT));
    const gathered = this.g.op('Gather', [table, ids], { axis: attr.i(0) });
    return this.g.op('DequantizeLinear', [gathered, this.c.scalar(amplitude / Q8_ZERO_POINT), zero]);
  }

  /**
   * Bidirectional single-layer nn.LSTM on [1, T, inputSize] -> [1, T, 2 * hidden]: the ONNX LSTM in fp32, the
   * quantizer's com.microsoft DynamicQuantizeLSTM (weights transposed to [dirs, in, 4H], 8-bit) in q8. The quantizer
   * writes int8 codes around 0; these are uint8 around 128 like every q8 weight here (the schema takes both, same kernel).
   */
  lstm(x: string, name: string, inputSize: number, hidden: number): string {
    const amplitude = 1 / Math.sqrt(hidden);
    const directions = 2;
    const gates = 4 * hidden;
    const bias = this.w.float(`${name}.B`, [directions, 2 * gates], amplitude);
    const sequenceFirst = this.g.op('Transpose', [x], { perm: attr.ints([1, 0, 2]) });
    const attributes = { hidden_size: attr.i(hidden), direction: attr.s('bidirectional') };
    let y: string;
    if (!this.q8) {
      const W = this.w.float(`${name}.W`, [directions, gates, inputSize], amplitude);
      const R = this.w.float(`${name}.R`, [directions, gates, hidden], amplitude);
      y = this.g.opN('LSTM', [sequenceFirst, W, R, bias], 1, attributes)[0]!;
    } else {
      this.w.parameters += directions * gates * (inputSize + hidden);
      const W = this.g.init(`${name}.W_quantized`, 'uint8', [directions, inputSize, gates], this.bytes(`${name}.W`, directions * inputSize * gates));
      const R = this.g.init(`${name}.R_quantized`, 'uint8', [directions, hidden, gates], this.bytes(`${name}.R`, directions * hidden * gates));
      const scale = this.g.init(`${name}.scale`, 'float32', [directions], new Float32Array(directions).fill(amplitude / Q8_ZERO_POINT));
      const zero = this.g.init(`${name}.zero_point`, 'uint8', [directions], new Uint8Array(directions).fill(Q8_ZERO_POINT));
      y = this.g.opN('DynamicQuantizeLSTM', [sequenceFirst, W, R, bias, '', '', '', '', scale, zero, scale, zero], 1, attributes, 'com.microsoft')[0]!;
    }
    // Y is [T, dirs, 1, H]: both directions side by side per step, then batch first again.
    const stepMajor = this.g.op('Transpose', [y], { perm: attr.ints([2, 0, 1, 3]) });
    return this.g.op('Reshape', [stepMajor, this.c.ints([1, -1, directions * hidden])]);
  }

  /** nn.LayerNorm over the last axis, with its learned scale and shift. */
  layerNorm(x: string, name: string, width: number, epsilon = 1e-5): string {
    const scale = this.w.filled(`${name}.weight`, [width], 1);
    const shift = this.w.filled(`${name}.bias`, [width], 0);
    return this.g.op('LayerNormalization', [x, scale, shift], { axis: attr.i(-1), epsilon: attr.f(epsilon) });
  }

  /** Kokoro's channel LayerNorm on [1, C, T] (normalises each frame's channels). */
  layerNormChannels(x: string, name: string, channels: number): string {
    const framesLast = this.g.op('Transpose', [x], { perm: attr.ints([0, 2, 1]) });
    return this.g.op('Transpose', [this.layerNorm(framesLast, name, channels)], { perm: attr.ints([0, 2, 1]) });
  }

  leakyRelu(x: string, alpha: number): string {
    return this.g.op('LeakyRelu', [x], { alpha: attr.f(alpha) });
  }

  /** The style's (1 + gamma, beta) of an adaptive norm: fc(s) split in halves, each [1, channels]. */
  private styleAffine(s: string, name: string, styleWidth: number, channels: number): [onePlusGamma: string, beta: string] {
    const h = this.linear(s, { name: `${name}.fc`, inFeatures: styleWidth, outFeatures: 2 * channels, bias: true });
    const [gamma, beta] = this.g.opN('Split', [h, this.c.ints([channels, channels])], 2, { axis: attr.i(1) });
    return [this.g.op('Add', [gamma!, this.c.scalar(1)]), beta!];
  }

  /** AdaIN1d on [1, C, T]: (1 + gamma(s)) * InstanceNorm(x) + beta(s) (the norm affine, as Kokoro's export keeps it). */
  adaIn1d(x: string, s: string, name: string, styleWidth: number, channels: number): string {
    const [onePlusGamma, beta] = this.styleAffine(s, name, styleWidth, channels);
    const scale = this.w.filled(`${name}.norm.weight`, [channels], 1);
    const shift = this.w.filled(`${name}.norm.bias`, [channels], 0);
    const normed = this.g.op('InstanceNormalization', [x, scale, shift], { epsilon: attr.f(1e-5) });
    const perChannel = this.c.ints([2]);
    return this.g.op('Add', [this.g.op('Mul', [normed, this.g.op('Unsqueeze', [onePlusGamma, perChannel])]), this.g.op('Unsqueeze', [beta, perChannel])]);
  }

  /** AdaLayerNorm on [1, T, C]: (1 + gamma(s)) * LayerNorm(x) + beta(s), the norm without its own affine. */
  adaLayerNorm(x: string, s: string, name: string, styleWidth: number, channels: number): string {
    const [onePlusGamma, beta] = this.styleAffine(s, name, styleWidth, channels);
    const ones = this.w.filled(`${name}.ln_scale`, [channels], 1, { countAsParameters: false });
    const zeros = this.w.filled(`${name}.ln_shift`, [channels], 0, { countAsParameters: false });
    const normed = this.g.op('LayerNormalization', [x, ones, zeros], { axis: attr.i(-1), epsilon: attr.f(1e-5) });
    const perFrame = this.c.ints([1]);
    return this.g.op('Add', [this.g.op('Mul', [normed, this.g.op('Unsqueeze', [onePlusGamma, perFrame])]), this.g.op('Unsqueeze', [beta, perFrame])]);
  }

  /** Snake1D on [1, C, T]: x + (1 / alpha) * sin(alpha * x)^2, alpha learned per channel (initialised to 1). */
  snake(x: string, name: string, channels: number): string {
    const alpha = this.w.filled(name, [1, channels, 1], 1);
    const sine = this.g.op('Sin', [this.g.op('Mul', [x, alpha])]);
    return this.g.op('Add', [x, this.g.op('Div', [this.g.op('Mul', [sine, sine]), alpha])]);
  }
}
