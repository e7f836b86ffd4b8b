// Weights and linear layers of a scale-pack graph in one of the published dtypes, with the operators the public
// exports use for them: fp32 MatMul; q8 as onnxruntime's dynamic quantizer writes it (DynamicQuantizeLinear ->
// MatMulInteger / ConvInteger -> Cast -> Mul) with uint8 weights, int8 the same with signed weights; q4 and q4f16
// as MatMulNBits (block 32, symmetric: no zero points), q4f16 with float16 activations.
import { attr, type GraphBuilder } from '../tinyPack/onnxGraph';
import { tensorSeed, toFloat16, WeightRandom } from './weights';

export type WeightFormat = 'fp32' | 'fp16' | 'q8' | 'int8' | 'q4' | 'q4f16';

export const Q4_BLOCK_SIZE = 32;
const ONNX_FLOAT = 1;
const ONNX_FLOAT16 = 10;

export interface LinearSpec {
  /** Unique tensor-name stem, e.g. "model.layers.3.self_attn.q_proj". */
  name: string;
  inFeatures: number;
  outFeatures: number;
  bias?: boolean;
  /** Uniform amplitude of the float weights; default 1/sqrt(inFeatures), which keeps activations O(1). */
  amplitude?: number;
}

export interface ConvSpec {
  name: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
  amplitude?: number;
}

/** Creates a graph's weights in one format and counts the model's parameters as the checkpoint would. */
export class ScaleWeights {
  /** Parameters of the original (unquantised) checkpoint that these tensors stand for. */
  parameters = 0;
  /** The dynamic quantizer quantises each activation once, however many layers read it (q, k and v share one). */
  private readonly quantizedInputs = new Map<string, [quantized: string, scale: string, zeroPoint: string]>();

  constructor(
    private readonly g: GraphBuilder,
    private readonly packSeed: number,
    readonly format: WeightFormat,
  ) {}

  /** float16 activations (and float16 non-quantised weights) in fp16 and q4f16 graphs. */
  get halfActivations(): boolean {
    return this.format === 'fp16' || this.format === 'q4f16';
  }

  get floatType(): 'float32' | 'float16' {
    return this.halfActivations ? 'float16' : 'float32';
  }

  get onnxFloat(): number {
    return this.halfActivations ? ONNX_FLOAT16 : ONNX_FLOAT;
  }

  private random(name: string): WeightRandom {
    return new WeightRandom(tensorSeed(this.packSeed, name));
  }

  /** A float tensor of the graph's activation type: random in [-amplitude, amplitude), or the given values. */
  float(name: string, dims: number[], valuesOrAmplitude: Float32Array | number, { countAsParameters = true } = {}): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const values = typeof valuesOrAmplitude === 'number' ? this.random(name).floats(count, valuesOrAmplitude) : valuesOrAmplitude;
    if (values.length !== count) throw new RangeError(`${name}: ${values.length} values for dims [${dims.join(', ')}]`);
    if (countAsParameters) this.parameters += count;
    return this.halfActivations ? this.g.init(name, 'float16', dims, toFloat16(values)) : this.g.init(name, 'float32', dims, values);
  }

  /** A constant filled with one value (norm scales of 1, zero shifts). */
  filled(name: string, dims: number[], value: number, { countAsParameters = true } = {}): string {
    const count = dims.reduce((a, b) => a * b, 1);
    return this.float(name, dims, new Float32Array(count).fill(value), { countAsParameters });
  }

  /** A scalar constant of the activation type (not a parameter). */
  scalar(name: string, value: number): string {
    return this.float(name, [], Float32Array.of(value), { countAsParameters: false });
  }

  /** Casts an fp32 tensor (e.g. from Cos/Sin of positions) to the activation type when that is float16. */
  toActivation(x: string): string {
    return this.halfActivations ? this.g.op('Cast', [x], { to: attr.i(ONNX_FLOAT16) }) : x;
  }

  /** y = x W (+ b) over the last axis of x, in this graph's format. */
  linear(x: string, spec: LinearSpec): string {
    const { name, inFeatures: k, outFeatures: n } = spec;
    const amplitude = spec.amplitude ?? 1 / Math.sqrt(k);
    this.parameters += k * n;
    let y: string;
    switch (this.format) {
      case 'fp32':
      case 'fp16':
        y = this.g.op('MatMul', [x, this.float(`${name}.weight`, [k, n], amplitude, { countAsParameters: false })]);
        break;
      case 'q8':
      case 'int8':
        y = this.dynamicQ8MatMul(x, name, k, n, amplitude);
        break;
      case 'q4':
      case 'q4f16':
        y = this.matMulNBits(x, name, k, n, amplitude);
        break;
    }
    return spec.bias ? this.g.op('Add', [y, this.float(`${name}.bias`, [n], 0.02)]) : y;
  }

  /** Conv1d on [B, C, T]; q8 graphs use ConvInteger as the dynamic quantizer writes it, the others float Conv. */
  conv1d(x: string, spec: ConvSpec): string {
    const { name, inChannels, outChannels, kernel, stride = 1, padding = 0, dilation = 1, groups = 1 } = spec;
    const weightCount = outChannels * (inChannels / groups) * kernel;
    const amplitude = spec.amplitude ?? 1 / Math.sqrt((inChannels / groups) * kernel);
    this.parameters += weightCount;
    const dims = [outChannels, inChannels / groups, kernel];
    const attributes = { kernel_shape: attr.ints([kernel]), strides: attr.ints([stride]), pads: attr.ints([padding, padding]), dilations: attr.ints([dilation]), group: attr.i(groups) };
    let y: string;
    if (this.format === 'q8') {
      const [xq, xScale, xZero] = this.quantizeInput(x);
      const w = this.g.init(`${name}.weight_quantized`, 'uint8', dims, this.random(`${name}.weight`).bytes(weightCount));
      const wScale = this.g.init(`${name}.weight_scale`, 'float32', [], Float32Array.of(amplitude / 128));
      const wZero = this.g.init(`${name}.weight_zero_point`, 'uint8', [], Uint8Array.of(128));
      const integer = this.g.op('ConvInteger', [xq, w, xZero, wZero], attributes);
      y = this.g.op('Mul', [this.g.op('Cast', [integer], { to: attr.i(ONNX_FLOAT) }), this.g.op('Mul', [xScale, wScale])]);
    } else {
      y = this.g.op('Conv', [x, this.float(`${name}.weight`, dims, amplitude, { countAsParameters: false })], attributes);
    }
    if (!spec.bias) return y;
    const bias = this.float(`${name}.bias`, [outChannels, 1], 0.02);
    return this.g.op('Add', [y, bias]);
  }

  /** ConvTranspose1d (no integer form exists, so the dynamic quantizer leaves it in float in every format). */
  convTranspose1d(x: string, spec: ConvSpec & { outputPadding?: number }): string {
    const { name, inChannels, outChannels, kernel, stride = 1, padding = 0, groups = 1 } = spec;
    const amplitude = spec.amplitude ?? 1 / Math.sqrt(inChannels * kernel);
    const weight = this.float(`${name}.weight`, [inChannels, outChannels / groups, kernel], amplitude);
    const y = this.g.op('ConvTranspose', [x, weight], {
      kernel_shape: attr.ints([kernel]),
      strides: attr.ints([stride]),
      pads: attr.ints([padding, padding]),
      group: attr.i(groups),
      ...(spec.outputPadding ? { output_padding: attr.ints([spec.outputPadding]) } : {}),
    });
    return spec.bias ? this.g.op('Add', [y, this.float(`${name}.bias`, [outChannels, 1], 0.02)]) : y;
  }

  private quantizeInput(x: string): [quantized: string, scale: string, zeroPoint: string] {
    let quantized = this.quantizedInputs.get(x);
    if (!quantized) {
      const [xq, xScale, xZero] = this.g.opN('DynamicQuantizeLinear', [x], 3);
      quantized = [xq!, xScale!, xZero!];
      this.quantizedInputs.set(x, quantized);
    }
    return quantized;
  }

  private dynamicQ8MatMul(x: string, name: string, k: number, n: number, amplitude: number): string {
    const [xq, xScale, xZero] = this.quantizeInput(x);
    // Random bytes are uniform codes either way: uint8 around the zero point 128, int8 around 0.
    const signed = this.format === 'int8';
    const w = this.g.init(`${name}.weight_quantized`, signed ? 'int8' : 'uint8', [k, n], this.random(`${name}.weight`).bytes(k * n));
    const wScale = this.g.init(`${name}.weight_scale`, 'float32', [], Float32Array.of(amplitude / 128));
    const wZero = this.g.init(`${name}.weight_zero_point`, signed ? 'int8' : 'uint8', [], Uint8Array.of(signed ? 0 : 128));
    const integer = this.g.op('MatMulInteger', [xq, w, xZero, wZero]);
    return this.g.op('Mul', [this.g.op('Cast', [integer], { to: attr.i(ONNX_FLOAT) }), this.g.op('Mul', [xScale, wScale])]);
  }

  /** com.microsoft MatMulNBits: B [N, K/32, 16] packed nibbles, scales [N * K/32] of the activation type. */
  private matMulNBits(x: string, name: string, k: number, n: number, amplitude: number): string {
    const blocks = Math.ceil(k / Q4_BLOCK_SIZE);
    const blobBytes = (Q4_BLOCK_SIZE * 4) / 8;
    const packed = this.g.init(`${name}.weight_Q4`, 'uint8', [n, blocks, blobBytes], this.random(`${name}.weight`).bytes(n * blocks * blobBytes));
    // Symmetric 4-bit codes span [-8, 7] around the implicit zero point 8: scale = amplitude / 8 keeps |w| <= amplitude.
    const scales = this.float(`${name}.weight_scales`, [n * blocks], new Float32Array(n * blocks).fill(amplitude / 8), { countAsParameters: false });
    return this.g.op(
      'MatMulNBits',
      [x, packed, scales],
      { K: attr.i(k), N: attr.i(n), bits: attr.i(4), block_size: attr.i(Q4_BLOCK_SIZE) },
      'com.microsoft',
    );
  }
}

/** The opset imports a graph in `format` needs beside the default domain. */
export function extraOpsets(format: WeightFormat): { domain: string; version: number }[] {
  return format === 'q4' || format === 'q4f16' ? [{ domain: 'com.microsoft', version: 1 }] : [];
}
