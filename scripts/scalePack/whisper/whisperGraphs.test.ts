// The scale Whisper builders at the real widths (whisper-tiny: d_model 384, 6 heads, ffn 1536, vocabulary 51865)
// but one layer each: the ONNX contract transformers.js relies on, the merged decoder's two branches, the parameter
// arithmetic, and one encoder layer's numerics against a reference written from the equations.
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../tinyPack/onnxGraph';
import { ScaleWeights } from '../scaleWeights';
import { decoderParameters, encoderParameters, VOCAB_SIZE, WHISPER_BASE, WHISPER_TINY, type WhisperArchitecture } from './architectures';
import { WhisperBlocks } from './blocks';
import { buildDecoder } from './decoderGraph';
import { buildEncoder } from './encoderGraph';
import { dequantizeQ4, quantizeRowsQ4, tiedQ4MatMul } from './tiedProjection';

const ONE_LAYER: WhisperArchitecture = { ...WHISPER_TINY, encoderLayers: 1, decoderLayers: 1 };
const D = ONE_LAYER.dModel;
const HEADS = ONE_LAYER.heads;
const HEAD_DIM = D / HEADS;
const SEED = 0x5ca1e;
const END_OF_TEXT = 50257;
/** ' I', ' have', ',', '.' in the real Whisper table: any text ids do. */
const SPELLING = { transcript: [358, 1291, 11, 13], endOfText: END_OF_TEXT };
const PREFIX = [50258, 50259, 50359, 50363];

type Signature = [string, string, (string | number)[]][];
function signature(values: readonly ort.InferenceSession.ValueMetadata[]): Signature {
  return values.map((v) => (v.isTensor ? [v.name, v.type, [...v.shape]] : [v.name, 'non-tensor', []]));
}

const floats = (count: number, seed: number): Float32Array => Float32Array.from({ length: count }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.9);

const ENCODER_STATES = new ort.Tensor('float32', floats(1500 * D, 2), [1, 1500, D]);
const EMPTY_PAST = new ort.Tensor('float32', new Float32Array(0), [1, HEADS, 0, HEAD_DIM]);

/** One step of a one-layer merged decoder; `past` null is the first (uncached) step. */
function decoderStep(session: ort.InferenceSession, tokens: number[], past: Record<string, ort.Tensor> | null) {
  return session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, tokens.length]),
    encoder_hidden_states: ENCODER_STATES,
    'past_key_values.0.decoder.key': past?.['present.0.decoder.key'] ?? EMPTY_PAST,
    'past_key_values.0.decoder.value': past?.['present.0.decoder.value'] ?? EMPTY_PAST,
    'past_key_values.0.encoder.key': past?.['present.0.encoder.key'] ?? EMPTY_PAST,
    'past_key_values.0.encoder.value': past?.['present.0.encoder.value'] ?? EMPTY_PAST,
    use_cache_branch: new ort.Tensor('bool', [past !== null], [1]),
  });
}

function lastArgmax(logits: ort.Tensor): number {
  const data = logits.data as Float32Array;
  const offset = (logits.dims[1]! - 1) * VOCAB_SIZE;
  let best = 0;
  for (let k = 1; k < VOCAB_SIZE; k++) if (data[offset + k]! > data[offset + best]!) best = k;
  return best;
}

/** Greedy decoding after the forced prefix, as generate() feeds back the first step's encoder presents. */
async function greedyTokens(session: ort.InferenceSession): Promise<number[]> {
  const produced: number[] = [];
  let outputs = await decoderStep(session, PREFIX, null);
  const encoderPresents = { 'present.0.encoder.key': outputs['present.0.encoder.key']!, 'present.0.encoder.value': outputs['present.0.encoder.value']! };
  for (let i = 0; i <= SPELLING.transcript.length; i++) {
    const token = lastArgmax(outputs.logits!);
    produced.push(token);
    outputs = await decoderStep(session, [token], { ...outputs, ...encoderPresents });
  }
  return produced;
}

describe('scale whisper parameter arithmetic', () => {
  it('matches the public totals (the Whisper paper rounds tiny to 39M, base to 74M) within 4%', () => {
    for (const a of [WHISPER_TINY, WHISPER_BASE]) {
      const total = encoderParameters(a) + decoderParameters(a);
      expect(Math.abs(total - a.publicParameters) / a.publicParameters).toBeLessThan(0.04);
    }
    // HF's num_parameters() for openai/whisper-tiny and -base.
    expect(encoderParameters(WHISPER_TINY) + decoderParameters(WHISPER_TINY)).toBe(37_760_640);
    expect(encoderParameters(WHISPER_BASE) + decoderParameters(WHISPER_BASE)).toBe(72_593_920);
  });
});

describe('scale whisper encoder (1 layer, real width)', () => {
  it.each(['fp32', 'q8'] as const)('%s: input_features [batch, 80, 3000] -> last_hidden_state [batch, 1500, 384], finite', async (format) => {
    const built = buildEncoder(ONE_LAYER, format, SEED);
    expect(built.parameters).toBe(encoderParameters(ONE_LAYER));
    const session = await ort.InferenceSession.create(built.bytes);
    expect(signature(session.inputMetadata)).toEqual([['input_features', 'float32', ['batch_size', 80, 3000]]]);
    expect(signature(session.outputMetadata)).toEqual([['last_hidden_state', 'float32', ['batch_size', 1500, D]]]);
    const { last_hidden_state: out } = await session.run({ input_features: new ort.Tensor('float32', floats(80 * 3000, 1), [1, 80, 3000]) });
    expect(out!.dims).toEqual([1, 1500, D]);
    expect((out!.data as Float32Array).every(Number.isFinite)).toBe(true);
    await session.release();
  });

  it('q8 is onnxruntime dynamic quantization: every weight matmul/conv integer, attention matmuls float', () => {
    const { opHistogram } = buildEncoder(ONE_LAYER, 'q8', SEED);
    // Per layer: q, k, v, out, fc1, fc2 as MatMulInteger; q k^T and attention x v stay MatMul.
    expect(opHistogram).toMatchObject({ ConvInteger: 2, MatMulInteger: 6, MatMul: 2 });
    // One quantisation per activation, as the quantizer writes it: the two conv inputs, then q/k/v's shared input, out, fc1, fc2.
    expect(opHistogram.DynamicQuantizeLinear).toBe(6);
    expect(opHistogram.Cast).toBe(8);
    expect(opHistogram.Conv).toBeUndefined();
  });
});

describe('scale whisper merged decoder (1 layer, real width, q4)', () => {
  let session: ort.InferenceSession;
  let parameters = 0;
  let opHistogram: Record<string, number> = {};

  beforeAll(async () => {
    const built = buildDecoder(ONE_LAYER, SEED, SPELLING);
    parameters = built.parameters;
    opHistogram = built.opHistogram;
    session = await ort.InferenceSession.create(built.bytes);
  });

  const cache = (prefix: 'past_key_values' | 'present', decoderLength: string, encoderLength: string): Signature => [
    [`${prefix}.0.decoder.key`, 'float32', ['batch_size', HEADS, decoderLength, HEAD_DIM]],
    [`${prefix}.0.decoder.value`, 'float32', ['batch_size', HEADS, decoderLength, HEAD_DIM]],
    [`${prefix}.0.encoder.key`, 'float32', ['batch_size', HEADS, encoderLength, HEAD_DIM]],
    [`${prefix}.0.encoder.value`, 'float32', ['batch_size', HEADS, encoderLength, HEAD_DIM]],
  ];

  it("has Optimum's merged inputs and outputs, in order", () => {
    expect(signature(session.inputMetadata)).toEqual([
      ['input_ids', 'int64', ['batch_size', 'decoder_sequence_length']],
      ['encoder_hidden_states', 'float32', ['batch_size', 'encoder_sequence_length / 2', D]],
      ...cache('past_key_values', 'past_decoder_sequence_length', 'encoder_sequence_length_out'),
      ['use_cache_branch', 'bool', [1]],
    ]);
    expect(signature(session.outputMetadata)).toEqual([
      ['logits', 'float32', ['batch_size', 'decoder_sequence_length', VOCAB_SIZE]],
      ...cache('present', 'past_decoder_sequence_length + 1', 'encoder_sequence_length_out'),
    ]);
  });

  it('counts the checkpoint (tied proj_out once) and uses MatMulNBits for every linear layer', () => {
    expect(parameters).toBe(decoderParameters(ONE_LAYER));
    // self q, k, v, out; cross q, out (main graph) + cross k, v (If branch); fc1, fc2; proj_out.
    expect(opHistogram.MatMulNBits).toBe(11);
    expect(opHistogram.If).toBe(1);
    expect(opHistogram.MatMul).toBe(4);
  });

  const step = (tokens: number[], past: Record<string, ort.Tensor> | null) => decoderStep(session, tokens, past);

  it('first step computes the cross K/V; cached steps pass them through and output empty encoder presents', async () => {
    const first = await step(PREFIX, null);
    expect(first.logits!.dims).toEqual([1, 4, VOCAB_SIZE]);
    expect(first['present.0.decoder.key']!.dims).toEqual([1, HEADS, 4, HEAD_DIM]);
    expect(first['present.0.encoder.key']!.dims).toEqual([1, HEADS, 1500, HEAD_DIM]);
    expect(first['present.0.encoder.value']!.dims).toEqual([1, HEADS, 1500, HEAD_DIM]);
    const next = lastArgmax(first.logits!);
    // transformers.js keeps the first step's encoder presents and feeds them back on every cached step.
    const past = { ...first };
    const cached = await step([next], past);
    expect(cached.logits!.dims).toEqual([1, 1, VOCAB_SIZE]);
    expect(cached['present.0.decoder.key']!.dims).toEqual([1, HEADS, 5, HEAD_DIM]);
    expect(cached['present.0.encoder.key']!.dims).toEqual([0, HEADS, 1, HEAD_DIM]);
    expect(cached['present.0.encoder.value']!.dims).toEqual([0, HEADS, 1, HEAD_DIM]);

    // The cached step equals the last row of one uncached pass over all five tokens.
    const full = await step([...PREFIX, next], null);
    const fullLast = (full.logits!.data as Float32Array).subarray(4 * VOCAB_SIZE);
    const cachedLogits = cached.logits!.data as Float32Array;
    let maxError = 0;
    let maxLogit = 0;
    for (let k = 0; k < VOCAB_SIZE; k++) {
      maxError = Math.max(maxError, Math.abs(cachedLogits[k]! - fullLast[k]!));
      maxLogit = Math.max(maxLogit, Math.abs(fullLast[k]!));
    }
    expect(maxError).toBeLessThan(1e-4 * maxLogit);
  });

  it('greedy decoding spells the transcript, then <|endoftext|>', async () => {
    expect(await greedyTokens(session)).toEqual([...SPELLING.transcript, END_OF_TEXT]);
  });
});

describe('scale whisper merged decoder (1 layer, real width, int8: the wasm dtype)', () => {
  it('uses MatMulInteger on signed weights for every linear layer, and greedy decoding still spells the transcript', async () => {
    const built = buildDecoder(ONE_LAYER, SEED, SPELLING, 'int8');
    expect(built.parameters).toBe(decoderParameters(ONE_LAYER));
    // self q, k, v, out; cross q, out (main graph) + cross k, v (If branch); fc1, fc2; proj_out.
    expect(built.opHistogram.MatMulInteger).toBe(11);
    expect(built.opHistogram.MatMulNBits).toBeUndefined();
    const session = await ort.InferenceSession.create(built.bytes);
    expect(await greedyTokens(session)).toEqual([...SPELLING.transcript, END_OF_TEXT]);
  });
});

// ------------------------------------------------------------------ one encoder layer against the equations

const LAYER_NORM_EPSILON = 1e-5;

/** erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

function initializers(bytes: Uint8Array): Map<string, Float32Array> {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const out = new Map<string, Float32Array>();
  for (const t of model.graph!.initializer!) {
    if (t.dataType !== onnxProto.onnx.TensorProto.DataType.FLOAT) continue;
    const raw = t.rawData!;
    out.set(t.name!, new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
  }
  return out;
}

/** x [T, in] W [in, out] + b */
function affine(x: Float32Array, rows: number, inF: number, outF: number, w: Float32Array, b?: Float32Array): Float32Array {
  const y = new Float32Array(rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let sum = b ? b[o]! : 0;
      for (let i = 0; i < inF; i++) sum += x[r * inF + i]! * w[i * outF + o]!;
      y[r * outF + o] = sum;
    }
  }
  return y;
}

function layerNorm(x: Float32Array, rows: number, d: number, gamma: Float32Array, beta: Float32Array): Float32Array {
  const y = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * d, (r + 1) * d);
    const mean = row.reduce((s, v) => s + v, 0) / d;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / d;
    for (let c = 0; c < d; c++) y[r * d + c] = ((row[c]! - mean) / Math.sqrt(variance + LAYER_NORM_EPSILON)) * gamma[c]! + beta[c]!;
  }
  return y;
}

/** WhisperEncoderLayer: x + SelfAttn(LN1(x)); then + fc2(gelu(fc1(LN2(.)))). */
function referenceEncoderLayer(x: Float32Array, rows: number, p: (name: string) => Float32Array): Float32Array {
  const n = (s: string) => p(`layer.${s}`);
  const h = layerNorm(x, rows, D, n('self_attn_layer_norm.weight'), n('self_attn_layer_norm.bias'));
  const q = affine(h, rows, D, D, n('self_attn.q_proj.weight'), n('self_attn.q_proj.bias'));
  const k = affine(h, rows, D, D, n('self_attn.k_proj.weight'));
  const v = affine(h, rows, D, D, n('self_attn.v_proj.weight'), n('self_attn.v_proj.bias'));
  const attended = new Float32Array(rows * D);
  for (let head = 0; head < HEADS; head++) {
    for (let i = 0; i < rows; i++) {
      const scores = Array.from({ length: rows }, (_, j) => {
        let dot = 0;
        for (let c = 0; c < HEAD_DIM; c++) dot += q[i * D + head * HEAD_DIM + c]! * k[j * D + head * HEAD_DIM + c]!;
        return dot / Math.sqrt(HEAD_DIM);
      });
      const max = Math.max(...scores);
      const weights = scores.map((s) => Math.exp(s - max));
      const total = weights.reduce((s, w) => s + w, 0);
      for (let c = 0; c < HEAD_DIM; c++) {
        let sum = 0;
        for (let j = 0; j < rows; j++) sum += (weights[j]! / total) * v[j * D + head * HEAD_DIM + c]!;
        attended[i * D + head * HEAD_DIM + c] = sum;
      }
    }
  }
  const attentionOut = affine(attended, rows, D, D, n('self_attn.out_proj.weight'), n('self_attn.out_proj.bias'));
  const residual = x.map((value, i) => value + attentionOut[i]!);
  const h2 = layerNorm(residual, rows, D, n('final_layer_norm.weight'), n('final_layer_norm.bias'));
  const ffn = ONE_LAYER.ffnDim;
  const hidden = affine(h2, rows, D, ffn, n('fc1.weight'), n('fc1.bias')).map((value) => 0.5 * value * (1 + erf(value / Math.SQRT2)));
  const out = affine(hidden, rows, ffn, D, n('fc2.weight'), n('fc2.bias'));
  return residual.map((value, i) => value + out[i]!);
}

describe('one scale whisper encoder layer (fp32, d_model 384) against the equations', () => {
  it('matches within 1e-4 absolute (float32 sums over 1536 terms; the activations are of order 1)', async () => {
    const rows = 7;
    const g = new GraphBuilder('test/');
    const w = new ScaleWeights(g, SEED, 'fp32');
    const x = g.input('x', 'float32', [1, rows, D]);
    g.output('y', 'float32', [1, rows, D], new WhisperBlocks(g, w, ONE_LAYER, 'test').encoderLayer(x, 'layer'));
    const bytes = g.model('encoder_layer');
    const session = await ort.InferenceSession.create(bytes);
    const input = floats(rows * D, 3);
    const { y } = await session.run({ x: new ort.Tensor('float32', input, [1, rows, D]) });
    await session.release();
    const weights = initializers(bytes);
    const expected = referenceEncoderLayer(input, rows, (name) => {
      const found = weights.get(name);
      if (!found) throw new Error(`no initializer ${name}`);
      return found;
    });
    const actual = y!.data as Float32Array;
    let maxError = 0;
    let maxValue = 0;
    for (let i = 0; i < expected.length; i++) {
      maxError = Math.max(maxError, Math.abs(actual[i]! - expected[i]!));
      maxValue = Math.max(maxValue, Math.abs(expected[i]!));
    }
    expect(maxValue).toBeGreaterThan(0.5);
    expect(maxError).toBeLessThan(1e-4);
  });
});

describe('the tied q4 projection', () => {
  it('MatMulNBits over the packed table equals x times the dequantised rows (nibble order, scales)', async () => {
    const n = 5;
    const k = 64;
    const rows = floats(n * k, 4);
    const g = new GraphBuilder('q4/');
    const x = g.input('x', 'float32', [1, 2, k]);
    g.output('y', 'float32', [1, 2, n], tiedQ4MatMul(g, x, 'proj', rows, n, k));
    const session = await ort.InferenceSession.create(g.model('q4', { extraOpsets: [{ domain: 'com.microsoft', version: 1 }] }));
    const input = floats(2 * k, 5);
    const { y } = await session.run({ x: new ort.Tensor('float32', input, [1, 2, k]) });
    await session.release();
    const dequantised = dequantizeQ4(quantizeRowsQ4(rows, n, k), n, k);
    for (let i = 0; i < n * k; i++) expect(Math.abs(dequantised[i]! - rows[i]!)).toBeLessThanOrEqual(0.9 / 8 + 1e-6);
    for (let r = 0; r < 2; r++) {
      for (let o = 0; o < n; o++) {
        let sum = 0;
        for (let i = 0; i < k; i++) sum += input[r * k + i]! * dequantised[o * k + i]!;
        expect((y!.data as Float32Array)[r * n + o]).toBeCloseTo(sum, 4);
      }
    }
  });
});
