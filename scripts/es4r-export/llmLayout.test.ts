// The LLM layout export_es4r.py writes (llmLayout.json + a decoder whose position_ids are [3, batch, seq], row 0
// used), checked on the tiny pack's LLM: transformers.js must load it text-only and answer from an embeddings prefix
// exactly as the tiny pack's Gemma3 layout does, the way ReplyEngine.generateFromEmbeds drives it.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, DynamicCache, Tensor, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyLlmEmbeds } from '../tinyPack/llmEmbeds';
import layout from './llmLayout.json';

const { onnx } = onnxProto;
const GEMMA_ID = 'gemma3-layout';
const QWEN_ID = 'qwen2vl-layout';

/** The tiny decoder with position_ids [3, batch, seq] whose row 0 feeds the original [batch, seq] input. */
function withMropePositions(decoder: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(decoder);
  const input = model.graph!.input!.find((i) => i.name === 'position_ids');
  if (!input) throw new Error('tiny decoder has no position_ids input');
  input.type!.tensorType!.shape!.dim!.unshift(onnx.TensorShapeProto.Dimension.create({ dimValue: 3 }));
  for (const node of model.graph!.node!) node.input = node.input!.map((name) => (name === 'position_ids' ? 'position_ids_row0' : name));
  model.graph!.initializer!.push(onnx.TensorProto.create({ name: 'row0', dataType: onnx.TensorProto.DataType.INT64, dims: [], int64Data: [0] }));
  const axis = onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 });
  model.graph!.node!.unshift(onnx.NodeProto.create({ opType: 'Gather', input: ['position_ids', 'row0'], output: ['position_ids_row0'], attribute: [axis] }));
  return onnx.ModelProto.encode(model).finish();
}

/** The tiny LLM re-laid-out as export_es4r.py writes a real one: llmLayout.json + the flat text config. */
async function writeQwen2VlLayout(from: string, to: string): Promise<void> {
  await mkdir(join(to, 'onnx'), { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/embed_tokens.onnx']) await copyFile(join(from, file), join(to, file));
  await writeFile(join(to, 'onnx/decoder_model_merged.onnx'), withMropePositions(await readFile(join(from, 'onnx/decoder_model_merged.onnx'))));
  const gemma = JSON.parse(await readFile(join(from, 'config.json'), 'utf8')) as { text_config: Record<string, unknown>; eos_token_id: number; pad_token_id: number };
  const { model_type: _textType, ...text } = gemma.text_config;
  await writeFile(join(to, 'config.json'), JSON.stringify({ ...layout, ...text, eos_token_id: gemma.eos_token_id, pad_token_id: gemma.pad_token_id }));
}

interface Loaded {
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
}

interface EmbedsModel {
  encode_text(inputs: { input_ids: Tensor }): Promise<Tensor>;
  forward(inputs: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  sessions: Record<string, { inputNames: string[] }>;
}

const ones = (length: number) => new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);

/** Prefill from embeddings (all prompt rows but the last), then generate() from the cache, as ReplyEngine does. */
async function replyFromEmbeds({ model, tokenizer }: Loaded, userText: string): Promise<{ reply: string; prefillLogits: Float32Array }> {
  const prompt = tokenizer.apply_chat_template([{ role: 'user', content: userText }], { add_generation_prompt: true, tokenize: false }) as unknown as string;
  const ids = tokenizer.encode(prompt, { add_special_tokens: false });
  const m = model as unknown as EmbedsModel;
  const embedded = await m.encode_text({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) });
  const hidden = embedded.dims.at(-1)!;
  const prefix = ids.length - 1;
  const outputs = await m.forward({
    inputs_embeds: new Tensor('float32', (embedded.data as Float32Array).slice(0, prefix * hidden), [1, prefix, hidden]),
    attention_mask: ones(prefix),
  });
  const past: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(outputs)) if (name.startsWith('present')) past[name.replace('present', 'past_key_values')] = value;
  const placeholders = new BigInt64Array(prefix + 1);
  placeholders[prefix] = BigInt(ids.at(-1)!);
  const sequences = (await model.generate({
    input_ids: new Tensor('int64', placeholders, [1, prefix + 1]),
    attention_mask: ones(prefix + 1),
    past_key_values: new DynamicCache(past),
    max_new_tokens: 40,
    do_sample: false,
  } as never)) as Tensor;
  const generated = (sequences.tolist() as bigint[][])[0]!.slice(prefix + 1).map(Number);
  return { reply: tokenizer.decode(generated, { skip_special_tokens: true }), prefillLogits: outputs.logits!.data as Float32Array };
}

let root: string;
const loaded = new Map<string, Loaded>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'es4r-llm-layout-'));
  await writeTinyLlmEmbeds(join(root, GEMMA_ID));
  await writeQwen2VlLayout(join(root, GEMMA_ID), join(root, QWEN_ID));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  for (const id of [GEMMA_ID, QWEN_ID]) {
    loaded.set(id, { model: await AutoModelForCausalLM.from_pretrained(id), tokenizer: await AutoTokenizer.from_pretrained(id) });
  }
});

afterAll(async () => {
  for (const { model } of loaded.values()) await model.dispose();
  await rm(root, { recursive: true, force: true });
});

describe("export_es4r.py's LLM layout (text-only Qwen2-VL) in transformers.js", () => {
  it('loads through AutoModelForCausalLM as Qwen2VLForCausalLM with exactly embed_tokens + decoder_model_merged', () => {
    const { model } = loaded.get(QWEN_ID)!;
    expect(model.constructor.name).toBe('Qwen2VLForCausalLM');
    expect(Object.keys((model as unknown as EmbedsModel).sessions).sort()).toEqual(['decoder_model_merged', 'embed_tokens']);
  });

  it('answers from an embeddings prefix and a cache exactly like the Gemma3 layout (position_ids fed as [3, batch, seq])', async () => {
    for (const text of ['I lost my job today and I feel awful.', 'I passed my exam!']) {
      const gemma = await replyFromEmbeds(loaded.get(GEMMA_ID)!, text);
      const qwen = await replyFromEmbeds(loaded.get(QWEN_ID)!, text);
      expect(qwen.reply.length).toBeGreaterThan(0);
      expect(qwen.reply).toBe(gemma.reply);
      // Gemma3 numbers positions from 1, Qwen2-VL from 0: RoPE sees only relative positions, so the logits agree.
      let maxAbsDiff = 0;
      for (let i = 0; i < gemma.prefillLogits.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(gemma.prefillLogits[i]! - qwen.prefillLogits[i]!));
      expect(qwen.prefillLogits.length).toBe(gemma.prefillLogits.length);
      expect(maxAbsDiff).toBeLessThanOrEqual(1e-5);
    }
  });
});
