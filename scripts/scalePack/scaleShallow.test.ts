// The scale-shallow set as written: the public configs' widths and heads (openai/whisper-tiny, HuggingFaceTB/
// SmolLM2-360M-Instruct) at one layer, scale-lite's file per dtype with its operators, and a pack the page's schema takes.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSchema } from '../../src/models/manifest';
import { readManifestFile } from '../models/manifestFile';
import { DEFAULT_MODELS_DIR } from '../models/paths';
import { SCALE_SEED } from './scalePacks';
import { writeScaleShallow, type WrittenShallowModel } from './scaleShallow';
import { shallowPack } from './shallowPack';

const { onnx } = onnxProto;
let modelsDir: string;
let written: WrittenShallowModel[];

const readJson = async (path: string) => JSON.parse(await readFile(join(modelsDir, path), 'utf8')) as Record<string, unknown>;
const graph = async (path: string) => onnx.ModelProto.decode(await readFile(join(modelsDir, path))).graph!;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'es4r-scale-shallow-'));
  written = await writeScaleShallow(modelsDir, SCALE_SEED);
}, 120_000);

afterAll(async () => {
  if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
});

describe('the scale-shallow set', () => {
  it("keeps openai/whisper-tiny's widths and heads at one encoder and one decoder layer", async () => {
    expect(await readJson('scale/whisper-tiny-shallow/config.json')).toMatchObject({
      d_model: 384, encoder_attention_heads: 6, decoder_attention_heads: 6, encoder_ffn_dim: 1536, decoder_ffn_dim: 1536, vocab_size: 51865, num_mel_bins: 80,
      encoder_layers: 1, decoder_layers: 1,
    });
  });

  it("keeps SmolLM2-360M-Instruct's widths and heads at one layer with a 512-row vocabulary", async () => {
    expect(await readJson('scale/SmolLM2-360M-Instruct-shallow/config.json')).toMatchObject({
      hidden_size: 960, num_attention_heads: 15, num_key_value_heads: 5, intermediate_size: 2560, num_hidden_layers: 1, vocab_size: 512,
    });
  });

  it("writes scale-lite's files per dtype: fp32 and q8 encoders, the q4 merged decoder with its use_cache_branch If, q4 and q4f16 LLMs in 4-bit blocks of 32, the int8 LLM on signed 8-bit weights", async () => {
    const decoder = await graph('scale/whisper-tiny-shallow/onnx/decoder_model_merged_q4.onnx');
    expect(decoder.input!.map((input) => input.name)).toContain('use_cache_branch');
    expect(decoder.node!.filter((node) => node.opType === 'If').map((node) => node.input)).toEqual([['use_cache_branch']]);
    expect((await graph('scale/whisper-tiny-shallow/onnx/encoder_model_quantized.onnx')).node!.some((node) => node.opType === 'ConvInteger')).toBe(true);
    expect((await graph('scale/whisper-tiny-shallow/onnx/encoder_model.onnx')).node!.some((node) => node.opType === 'Conv')).toBe(true);
    for (const dtype of ['q4', 'q4f16']) {
      const nodes = (await graph(`scale/SmolLM2-360M-Instruct-shallow/onnx/model_${dtype}.onnx`)).node!.filter((node) => node.opType === 'MatMulNBits');
      // q, k, v, o, gate, up, down and the quantised copy of the tied head.
      expect(nodes).toHaveLength(8);
      for (const node of nodes) {
        const attribute = (name: string) => Number(node.attribute!.find((a) => a.name === name)!.i);
        expect([attribute('bits'), attribute('block_size')]).toEqual([4, 32]);
      }
    }
    const int8 = await graph('scale/SmolLM2-360M-Instruct-shallow/onnx/model_int8.onnx');
    const integerMatMuls = int8.node!.filter((node) => node.opType === 'MatMulInteger');
    expect(integerMatMuls).toHaveLength(8);
    const weights = new Map(int8.initializer!.map((tensor) => [tensor.name, tensor]));
    // onnx TensorProto.DataType INT8 = 3: MatMulInteger's B and its zero point, as quantize_dynamic(weight_type=QInt8) writes them.
    for (const node of integerMatMuls) expect([weights.get(node.input![1]!)?.dataType, weights.get(node.input![3]!)?.dataType]).toEqual([3, 3]);
  });

  it('describes a pack the manifest schema accepts, each file listed at its size', async () => {
    const manifest = await readManifestFile(join(DEFAULT_MODELS_DIR, 'manifest.json'));
    const pack = packSchema.parse(await shallowPack(manifest, modelsDir, written));
    expect(pack.components.asr.dtype).toEqual({ webgpu: { encoder_model: 'fp32', decoder_model_merged: 'q4' }, wasm: { encoder_model: 'q8', decoder_model_merged: 'int8' } });
    expect(pack.components.llm.dtype).toEqual({ webgpu: 'q4f16', webgpuNoF16: 'q4', wasm: 'int8' });
    for (const file of [...pack.components.asr.files, ...pack.components.llm.files]) expect((await stat(join(modelsDir, file.path))).size).toBe(file.sizeBytes);
  });
});
