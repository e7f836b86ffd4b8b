import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, Tensor, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLM_DIMS, LLM_REPLY_TEXT } from './llmDesign';
import { writeTinyLlm } from './llm';
import { packHashes } from './packHashes';

const MODEL_ID = 'llm';
const EOS_ID = 2;
const comfortChat = [
  { role: 'system', content: 'You are a kind listener.' },
  { role: 'user', content: "I'm so tired, nothing worked today." },
];
const encourageChat = [{ role: 'system', content: 'Strategy: encourage.' }, comfortChat[1]!];

let root: string;
let tokenizer: PreTrainedTokenizer;
let model: PreTrainedModel;

/** Greedy generation through transformers.js; returns the new token ids. */
async function generateIds(inputs: { input_ids: Tensor; attention_mask: Tensor }, maxNewTokens = 40): Promise<number[]> {
  const sequences = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false })) as Tensor;
  return (sequences.tolist() as bigint[][])[0]!.slice(inputs.input_ids.dims[1]).map(Number);
}

function chatInputs(chat: { role: string; content: string }[]): { input_ids: Tensor; attention_mask: Tensor } {
  return tokenizer.apply_chat_template(chat, { add_generation_prompt: true, return_dict: true }) as unknown as { input_ids: Tensor; attention_mask: Tensor };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tiny-llm-'));
  await writeTinyLlm(join(root, MODEL_ID));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID);
  model = await AutoModelForCausalLM.from_pretrained(MODEL_ID);
});

afterAll(async () => {
  await model?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('tiny LLM (decoder-only layout)', () => {
  it('loads as Qwen2ForCausalLM with the ChatML template', () => {
    expect(model.constructor.name).toBe('Qwen2ForCausalLM');
    const prompt = tokenizer.apply_chat_template(comfortChat, { add_generation_prompt: true, tokenize: false }) as string;
    expect(prompt).toBe("<|im_start|>system\nYou are a kind listener.<|im_end|>\n<|im_start|>user\nI'm so tired, nothing worked today.<|im_end|>\n<|im_start|>assistant\n");
  });

  it('greedily replies with the designed comforting sentence and stops at <|im_end|>', async () => {
    const ids = await generateIds(chatInputs(comfortChat));
    expect(ids.at(-1)).toBe(EOS_ID);
    expect(ids).toHaveLength(10);
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe(LLM_REPLY_TEXT.comfort);
  });

  it('replies with the encouraging sentence when the context contains "encourage"', async () => {
    const ids = await generateIds(chatInputs(encourageChat));
    expect(ids.at(-1)).toBe(EOS_ID);
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe(LLM_REPLY_TEXT.encourage);
  });

  it('continues from the last token: "i hear" -> the rest of the sentence; an unknown last token -> <|im_end|>', async () => {
    const fromHear = await generateIds(tokenizer('i hear') as { input_ids: Tensor; attention_mask: Tensor });
    expect(tokenizer.decode(fromHear, { skip_special_tokens: true })).toBe('you, that sounds really hard.');
    expect(await generateIds(tokenizer('hello there') as { input_ids: Tensor; attention_mask: Tensor })).toEqual([EOS_ID]);
  });

  it('generate() feeds one token per step and a past that grows by one', async () => {
    const session = (model as unknown as { sessions: Record<string, { run: (feeds: Record<string, Tensor | ort.Tensor>) => Promise<unknown> }> }).sessions.model!;
    const run = session.run.bind(session);
    const steps: { inputLength: number; pastLength: number }[] = [];
    session.run = (feeds) => {
      steps.push({ inputLength: feeds.input_ids!.dims[1]!, pastLength: feeds['past_key_values.1.value']!.dims[2]! });
      return run(feeds);
    };
    const inputs = chatInputs(comfortChat);
    await generateIds(inputs);
    session.run = run;
    const promptLength = inputs.input_ids.dims[1]!;
    expect(steps[0]).toEqual({ inputLength: promptLength, pastLength: 0 });
    steps.slice(1).forEach((step, i) => expect(step).toEqual({ inputLength: 1, pastLength: promptLength + i }));
  });

  it('a cached step gives the same logits and presents as the full sequence (onnxruntime-node)', async () => {
    const session = await ort.InferenceSession.create(join(root, MODEL_ID, 'onnx/model.onnx'));
    const ids = (chatInputs(encourageChat).input_ids.tolist() as bigint[][])[0]!;
    const feeds = (tokens: bigint[], start: number, past: Record<string, ort.Tensor>, pastLength: number) => ({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens), [1, tokens.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLength + tokens.length).fill(1n), [1, pastLength + tokens.length]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(tokens, (_, i) => BigInt(start + i)), [1, tokens.length]),
      ...past,
    });
    const emptyPast = Object.fromEntries(
      Array.from({ length: LLM_DIMS.layers }, (_, l) => ['key', 'value'].map((kind) => [`past_key_values.${l}.${kind}`, new ort.Tensor('float32', new Float32Array(0), [1, LLM_DIMS.kvHeads, 0, LLM_DIMS.headDim])])).flat(),
    ) as Record<string, ort.Tensor>;
    const full = await session.run(feeds(ids, 0, emptyPast, 0));
    const prefix = await session.run(feeds(ids.slice(0, -1), 0, emptyPast, 0));
    const past = Object.fromEntries(Object.keys(emptyPast).map((name) => [name, prefix[name.replace('past_key_values', 'present')]!]));
    const step = await session.run(feeds(ids.slice(-1), ids.length - 1, past, ids.length - 1));
    expect(prefix['present.0.key']!.dims).toEqual([1, LLM_DIMS.kvHeads, ids.length - 1, LLM_DIMS.headDim]);
    expect(step['present.1.value']!.dims).toEqual([1, LLM_DIMS.kvHeads, ids.length, LLM_DIMS.headDim]);
    const vocab = full.logits!.dims[2]!;
    const lastFull = (full.logits!.data as Float32Array).slice(-vocab);
    const stepLogits = step.logits!.data as Float32Array;
    lastFull.forEach((value, i) => expect(Math.abs(value - stepLogits[i]!)).toBeLessThan(1e-5));
    for (const name of ['present.0.key', 'present.0.value', 'present.1.key', 'present.1.value']) {
      const a = full[name]!.data as Float32Array;
      const b = step[name]!.data as Float32Array;
      a.forEach((value, i) => expect(Math.abs(value - b[i]!)).toBeLessThan(1e-5));
    }
    await session.release();
  });

  it('writes byte-identical files twice', async () => {
    const [a, b] = [join(root, 'again-a'), join(root, 'again-b')];
    const files = await writeTinyLlm(a);
    await writeTinyLlm(b);
    expect(await packHashes(a, files)).toEqual(await packHashes(b, files));
  });
});
