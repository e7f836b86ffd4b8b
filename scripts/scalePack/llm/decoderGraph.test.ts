import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { checkpointParameters, QWEN25_05B, SMOLLM2_360M, type LlmArchitecture } from './architectures';
import { buildDecoder, buildEmbedTokens, type LlmFormat } from './decoderGraph';
import { readInitializers, referenceForward } from './decoderReference';

const { onnx } = onnxProto;
const SEED = 5;
const TOKENS = [3, 17, 250, 9, 128, 64];
/** Real widths, one layer, a small vocabulary: the same code path in seconds. */
const small = (a: LlmArchitecture): LlmArchitecture => ({ ...a, layers: 1, vocab: 256, maxPositions: 64 });

function feeds(a: LlmArchitecture, tokens: number[], start: number, past: Record<string, ort.Tensor>, half: boolean): Record<string, ort.Tensor> {
  const total = start + tokens.length;
  const empty = () => (half ? new ort.Tensor('float16', new Uint16Array(0), [1, a.kvHeads, 0, a.headDim]) : new ort.Tensor('float32', new Float32Array(0), [1, a.kvHeads, 0, a.headDim]));
  const pastFeeds = Object.fromEntries(Array.from({ length: a.layers }, (_, l) => ['key', 'value'].map((kind) => `past_key_values.${l}.${kind}`)).flat().map((name) => [name, past[name] ?? empty()]));
  return {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, tokens.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(tokens, (_, i) => BigInt(start + i)), [1, tokens.length]),
    ...pastFeeds,
  };
}

/** Name -> [elem type, dims] of a graph's inputs or outputs. */
function signature(values: onnxProto.onnx.IValueInfoProto[]): Record<string, [number, (number | string)[]]> {
  return Object.fromEntries(
    values.map((v) => [v.name!, [v.type!.tensorType!.elemType!, v.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)))]]),
  );
}

const maxAbs = (values: ArrayLike<number>) => Array.from(values).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe.each([
  ['SmolLM2-360M (Llama, computed RoPE, q4 lm_head copy)', SMOLLM2_360M],
  ['Qwen2.5-0.5B (q/k/v biases, cached RoPE tables, shared-table lm_head)', QWEN25_05B],
])('scale LLM decoder: %s', (_, full) => {
  const a = small(full);

  it('counts the checkpoint parameters the public figure states (full size, by config arithmetic)', () => {
    expect(checkpointParameters(full)).toBe(full.publicParameters);
  });

  it.each(['q4', 'q4f16'] as LlmFormat[])('keeps the export contract in %s: names, dims, dtypes, opsets, counted parameters', (format) => {
    const built = buildDecoder(a, format, SEED, { input: 'ids' });
    const model = onnx.ModelProto.decode(built.bytes);
    const float = format === 'q4f16' ? onnx.TensorProto.DataType.FLOAT16 : onnx.TensorProto.DataType.FLOAT;
    const int64 = onnx.TensorProto.DataType.INT64;
    expect(signature(model.graph!.input!)).toEqual({
      input_ids: [int64, ['batch_size', 'sequence_length']],
      attention_mask: [int64, ['batch_size', 'total_sequence_length']],
      position_ids: [int64, ['batch_size', 'sequence_length']],
      'past_key_values.0.key': [float, ['batch_size', a.kvHeads, 'past_sequence_length', 64]],
      'past_key_values.0.value': [float, ['batch_size', a.kvHeads, 'past_sequence_length', 64]],
    });
    expect(model.graph!.output!.map((o) => o.name)).toEqual(['logits', 'present.0.key', 'present.0.value']);
    expect(signature(model.graph!.output!).logits).toEqual([float, ['batch_size', 'sequence_length', a.vocab]]);
    expect(signature(model.graph!.output!)['present.0.key']).toEqual([float, ['batch_size', a.kvHeads, 'total_sequence_length', 64]]);
    expect(model.opsetImport!.map((o) => o.domain)).toEqual(['', 'com.microsoft']);
    expect(built.parameters).toBe(checkpointParameters(a));
    // q, k, v, o, gate, up, down per layer, plus the lm_head copy when the export quantises one.
    expect(built.opHistogram.MatMulNBits).toBe(7 * a.layers + (a.lmHead === 'quantizedCopy' ? 1 : 0));
    expect(built.opHistogram.GroupQueryAttention).toBeUndefined();
    expect(built.opHistogram.SimplifiedLayerNormalization).toBeUndefined();
  });

  it('matches the equations (RMSNorm, RoPE, GQA, SiLU MLP, tied head) with dequantised q4 weights, to 1e-3 of the logits scale', async () => {
    const built = buildDecoder(a, 'q4', SEED, { input: 'ids' });
    const reference = referenceForward(a, readInitializers(built.bytes), TOKENS);
    const session = await ort.InferenceSession.create(built.bytes);
    const out = await session.run(feeds(a, TOKENS, 0, {}, false));
    const logits = out.logits!.data as Float32Array;
    const scale = Math.max(...reference.logits.map(maxAbs));
    expect(scale).toBeGreaterThan(0.1);
    reference.logits.forEach((row, t) => row.forEach((value, v) => expect(Math.abs(logits[t * a.vocab + v]! - value)).toBeLessThan(1e-3 * scale)));
    // present.0.key is [1, kvHeads, T, 64]; the reference keeps [T][kvHeads * 64].
    const keys = out['present.0.key']!.data as Float32Array;
    const values = out['present.0.value']!.data as Float32Array;
    for (let h = 0; h < a.kvHeads; h++) {
      for (let t = 0; t < TOKENS.length; t++) {
        for (let d = 0; d < 64; d++) {
          const at = (h * TOKENS.length + t) * 64 + d;
          expect(Math.abs(keys[at]! - reference.keys[0]![t]![h * 64 + d]!)).toBeLessThan(1e-3);
          expect(Math.abs(values[at]! - reference.values[0]![t]![h * 64 + d]!)).toBeLessThan(1e-3);
        }
      }
    }
    await session.release();
  });

  it('a cached step reproduces the full sequence: the last logits and the grown presents (1e-4)', async () => {
    const session = await ort.InferenceSession.create(buildDecoder(a, 'q4', SEED, { input: 'ids' }).bytes);
    const full = await session.run(feeds(a, TOKENS, 0, {}, false));
    const prefix = await session.run(feeds(a, TOKENS.slice(0, -1), 0, {}, false));
    const past = { 'past_key_values.0.key': prefix['present.0.key']!, 'past_key_values.0.value': prefix['present.0.value']! };
    const step = await session.run(feeds(a, TOKENS.slice(-1), TOKENS.length - 1, past, false));
    expect(step['present.0.key']!.dims).toEqual([1, a.kvHeads, TOKENS.length, 64]);
    const last = (full.logits!.data as Float32Array).slice(-a.vocab);
    const stepLogits = step.logits!.data as Float32Array;
    last.forEach((value, v) => expect(Math.abs(value - stepLogits[v]!)).toBeLessThan(1e-4));
    await session.release();
  });

  it('q4f16 runs in float16 end to end and stays close to q4 (5e-2 of the logits scale)', async () => {
    const [q4, q4f16] = await Promise.all(['q4', 'q4f16'].map((format) => ort.InferenceSession.create(buildDecoder(a, format as LlmFormat, SEED, { input: 'ids' }).bytes)));
    const single = (await q4!.run(feeds(a, TOKENS, 0, {}, false))).logits!;
    const half = (await q4f16!.run(feeds(a, TOKENS, 0, {}, true))).logits!;
    expect(half.type).toBe('float16');
    const halfValues = new ort.Tensor('float16', half.data as Uint16Array, half.dims);
    const asFloat = Float32Array.from(halfValues.data as Uint16Array, (bits) => {
      const sign = bits & 0x8000 ? -1 : 1;
      const exponent = (bits >> 10) & 0x1f;
      const mantissa = bits & 0x3ff;
      return exponent === 0 ? sign * mantissa * 2 ** -24 : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
    });
    const scale = maxAbs(single.data as Float32Array);
    asFloat.forEach((value, i) => expect(Math.abs(value - (single.data as Float32Array)[i]!)).toBeLessThan(5e-2 * scale));
    await Promise.all([q4!.release(), q4f16!.release()]);
  });

  it("embed_tokens' table is decoder_model_merged's q4 head dequantised (tied weights)", async () => {
    const embed = buildEmbedTokens(a, 'q4', SEED);
    const table = readInitializers(embed.bytes).get('model.embed_tokens.weight') as Float32Array;
    const decoder = readInitializers(buildDecoder(a, 'q4', SEED, { input: 'embeds' }).bytes);
    const packed = decoder.get('lm_head.weight_Q4') as Uint8Array;
    const scales = decoder.get('lm_head.weight_scales') as Float32Array;
    for (let i = 0; i < table.length; i += 997) {
      const code = i % 2 === 0 ? packed[i >> 1]! & 15 : packed[i >> 1]! >> 4;
      expect(table[i]).toBe(Math.fround((code - 8) * scales[Math.floor(i / 32)]!));
    }
    expect(embed.parameters).toBe(a.vocab * a.hidden);
  });
});
