import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, Tensor, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLM_DIMS, LLM_REPLY_TEXT } from './llmDesign';
import { writeTinyLlm } from './llm';
import { writeTinyLlmEmbeds } from './llmEmbeds';
import { packHashes } from './packHashes';

const EMBEDS_ID = 'llm-embeds';
const PLAIN_ID = 'llm';
const EOS_ID = 2;

let root: string;
let tokenizer: PreTrainedTokenizer;
let model: PreTrainedModel;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tiny-llm-embeds-'));
  await Promise.all([writeTinyLlmEmbeds(join(root, EMBEDS_ID)), writeTinyLlm(join(root, PLAIN_ID))]);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  tokenizer = await AutoTokenizer.from_pretrained(EMBEDS_ID);
  model = await AutoModelForCausalLM.from_pretrained(EMBEDS_ID);
});

afterAll(async () => {
  await model?.dispose();
  await rm(root, { recursive: true, force: true });
});

const ids = (text: string): bigint[] => ((tokenizer(text) as { input_ids: Tensor }).input_ids.tolist() as bigint[][])[0]!;

function decoderFeeds(length: number): Record<string, ort.Tensor> {
  const past = Array.from({ length: LLM_DIMS.layers }, (_, l) =>
    ['key', 'value'].map((kind) => [`past_key_values.${l}.${kind}`, new ort.Tensor('float32', new Float32Array(0), [1, LLM_DIMS.kvHeads, 0, LLM_DIMS.headDim])]),
  ).flat();
  return {
    attention_mask: new ort.Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from({ length }, (_, i) => BigInt(i)), [1, length]),
    ...Object.fromEntries(past),
  };
}

describe('tiny LLM (embed_tokens + decoder_model_merged layout)', () => {
  it('loads through AutoModelForCausalLM in text-only mode: Gemma3ForCausalLM with exactly the two sessions', () => {
    expect(model.constructor.name).toBe('Gemma3ForCausalLM');
    const sessions = (model as unknown as { sessions: Record<string, { inputNames: string[]; outputNames: string[] }> }).sessions;
    expect(Object.keys(sessions).sort()).toEqual(['decoder_model_merged', 'embed_tokens']);
    expect(sessions.embed_tokens!.outputNames).toEqual(['inputs_embeds']);
    expect(sessions.decoder_model_merged!.inputNames.slice(0, 3)).toEqual(['inputs_embeds', 'attention_mask', 'position_ids']);
  });

  it('gives the same greedy replies as the plain layout', async () => {
    for (const [system, reply] of [['Be kind.', LLM_REPLY_TEXT.comfort], ['Strategy: encourage.', LLM_REPLY_TEXT.encourage]] as const) {
      const inputs = tokenizer.apply_chat_template([{ role: 'system', content: system }, { role: 'user', content: 'I feel lost.' }], { add_generation_prompt: true, return_dict: true }) as unknown as { input_ids: Tensor };
      const sequences = (await model.generate({ ...inputs, max_new_tokens: 40 })) as Tensor;
      const generated = (sequences.tolist() as bigint[][])[0]!.slice(inputs.input_ids.dims[1]).map(Number);
      expect(generated.at(-1)).toBe(EOS_ID);
      expect(tokenizer.decode(generated, { skip_special_tokens: true })).toBe(reply);
    }
  });

  it('embed_tokens -> decoder_model_merged gives the logits of model.onnx (1e-5)', async () => {
    const [embedTokens, decoder, plain] = await Promise.all(
      [`${EMBEDS_ID}/onnx/embed_tokens.onnx`, `${EMBEDS_ID}/onnx/decoder_model_merged.onnx`, `${PLAIN_ID}/onnx/model.onnx`].map((path) => ort.InferenceSession.create(join(root, path))),
    );
    const tokens = ids('<|im_start|>system\nstrategy: encourage<|im_end|>\n<|im_start|>user\ni feel so alone<|im_end|>\n<|im_start|>assistant\n');
    const inputIds = new ort.Tensor('int64', BigInt64Array.from(tokens), [1, tokens.length]);
    const { inputs_embeds: inputsEmbeds } = await embedTokens!.run({ input_ids: inputIds });
    expect(inputsEmbeds!.dims).toEqual([1, tokens.length, LLM_DIMS.hidden]);
    const fromEmbeds = await decoder!.run({ inputs_embeds: inputsEmbeds!, ...decoderFeeds(tokens.length) });
    const fromIds = await plain!.run({ input_ids: inputIds, ...decoderFeeds(tokens.length) });
    const a = fromEmbeds.logits!.data as Float32Array;
    const b = fromIds.logits!.data as Float32Array;
    expect(a.length).toBe(b.length);
    expect(Math.max(...a.map((value, i) => Math.abs(value - b[i]!)))).toBeLessThan(1e-5);
    await Promise.all([embedTokens, decoder, plain].map((session) => session!.release()));
  });

  it('writes byte-identical files twice', async () => {
    const [a, b] = [join(root, 'again-a'), join(root, 'again-b')];
    const files = await writeTinyLlmEmbeds(a);
    await writeTinyLlmEmbeds(b);
    expect(await packHashes(a, files)).toEqual(await packHashes(b, files));
  });
});
