// The speech path's LLM side on the tiny pack (tiny/llm-embeds + tiny/es4r's cross-attention): what reaches the
// decoder is checked row by row against the designed embedding table and the cross-attention reference.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALL_CUES_ON } from '../../src/conversation/affectCues';
import { DEFAULT_MAX_PROMPT_TOKENS, type ReplySettings } from '../../src/conversation/conversation';
import { appendAssistantTurn, appendUserTurn, newDialogue, type Dialogue } from '../../src/conversation/dialogue';
import { randomEs4rWeights } from '../../scripts/es4r/checkpoint/randomCheckpoint';
import type { CrossAttention } from '../../src/models/es4r/runtime/crossAttention';
import { loadCrossAttention } from '../../src/models/es4r/runtime/loadEs4r';
import { crossAttentionReference } from '../references/es4r/stage2/crossAttention.reference';
import { matrix } from '../references/es4r/stage2/math.reference';
import { LLM_DIMS, LLM_REPLY_TEXT, llmWeights } from '../../scripts/tinyPack/llmDesign';
import { TINY_ES4R_DIMS, TINY_ES4R_SEED } from '../../scripts/tinyPack/es4r';
import { seededRandom, uniformArray } from '../../scripts/tinyPack/seededRandom';
import { llmFamily, type LlmBundle } from '../../src/models/llm/llmFamily';
import { ReplyEngine } from '../../src/models/llm/replyEngine';
import { speechReply, type SpeechPrefix } from '../../src/models/llm/speechReply';

const MODELS_DIR = join(process.cwd(), 'public', 'models');
const H = LLM_DIMS.hidden;
const SETTINGS: ReplySettings = { cues: ALL_CUES_ON, affectCuesInPrompt: false, tauDb: 3, maxNewTokens: 40, maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS, answerPath: 'speech', dualAttention: true, crossAttention: true };
const NO_CUES = { relativeEnergyDb: null, wordsPerSecond: null, longPauses: [] } as never;

let bundle: LlmBundle;
let cross: CrossAttention;
const design = llmWeights();
const crossWeights = randomEs4rWeights(TINY_ES4R_SEED, TINY_ES4R_DIMS).crossAttention;

function dialogueSaying(...transcripts: string[]): Dialogue {
  let dialogue = newDialogue();
  transcripts.forEach((transcript, i) => {
    if (i > 0) dialogue = appendAssistantTurn(dialogue, { text: LLM_REPLY_TEXT.comfort });
    dialogue = appendUserTurn(dialogue, { transcript, startMs: 0, endMs: 1000, energyDb: -20, strategy: 'neutral', deltaDb: null, cues: NO_CUES });
  });
  return dialogue;
}

function speech(tokens: number, seed: number): SpeechPrefix {
  return { data: uniformArray(seededRandom(seed), tokens * H, 1), tokens, hidden: H };
}

/** The designed embedding of a token id (the table the tiny LLM was built from). */
function designRow(id: number): Float32Array {
  return design.embed.subarray(id * H, (id + 1) * H);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Runs speechReply and captures what it handed the engine. */
async function capture(dialogue: Dialogue, prefix: SpeechPrefix, crossAttention: CrossAttention | null) {
  const engine = new ReplyEngine(bundle);
  const spy = vi.spyOn(engine, 'generateFromEmbeds');
  const deltas: string[] = [];
  const reply = await speechReply(engine, bundle, crossAttention, dialogue, SETTINGS, prefix, (d) => deltas.push(d));
  const [{ embeds, hiddenSize: hidden, rowIds, lastTokenId }] = spy.mock.calls[0]!;
  return { reply, deltas, embeds, hidden, rowIds, lastTokenId };
}

/** The ids the text prompt tokenises to, split around the speech slot as docs/es4r.md orders them. */
function promptIds(dialogue: Dialogue): { head: number[]; history: number[]; suffix: number[] } {
  const system = bundle.tokenizer.apply_chat_template([{ role: 'system', content: systemText() }], { tokenize: false, add_generation_prompt: false }) as unknown as string;
  const encode = (text: string) => bundle.tokenizer.encode(text, { add_special_tokens: false });
  const user = dialogue.turns.map((t) => (t.kind === 'user' ? `<|im_start|>user\n${t.transcript}` : `<|im_end|>\n<|im_start|>assistant\n${t.text}<|im_end|>\n`)).join('');
  return { head: encode(system), history: encode(user), suffix: encode('<|im_end|>\n<|im_start|>assistant\n') };
}

let systemText: () => string;

function chatIds(chat: { role: string; content: string }[]): number[] {
  const text = bundle.tokenizer.apply_chat_template(chat, { add_generation_prompt: true, tokenize: false }) as unknown as string;
  return bundle.tokenizer.encode(text, { add_special_tokens: false });
}

beforeAll(async () => {
  if (!existsSync(join(MODELS_DIR, 'tiny', 'llm-embeds'))) throw new Error('public/models/tiny/llm-embeds is missing: run `npm run make:tiny-pack` first.');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  bundle = await llmFamily.load('tiny/llm-embeds', 'cpu', 'fp32', () => {});
  cross = await loadCrossAttention(async (path) => new Uint8Array(readFileSync(join(MODELS_DIR, 'tiny', 'es4r', path))));
  const { systemPrompt } = await import('../../src/conversation/prompt');
  systemText = () => systemPrompt(false);
});

afterAll(async () => {
  await cross?.release();
  if (bundle) await llmFamily.dispose(bundle);
});

describe('speechReply (tiny/llm-embeds, tiny/es4r cross-attention)', () => {
  it('feeds [instruction][text history][cross-attended speech][suffix] to the decoder, row by row', async () => {
    const dialogue = dialogueSaying('hello', 'i feel sad');
    const prefix = speech(6, 1);
    const { embeds, hidden, rowIds, lastTokenId, reply, deltas } = await capture(dialogue, prefix, cross);
    const ids = promptIds(dialogue);
    expect(hidden).toBe(H);
    expect(lastTokenId).toBe(ids.suffix.at(-1));
    const textRows = [...ids.head, ...ids.history];
    // Text rows are named by their token ids (reusable next turn), speech rows by an id that never matches.
    expect(rowIds).toEqual([...textRows, ...new Array(prefix.tokens).fill(-1), ...ids.suffix.slice(0, -1)]);
    expect(embeds.length).toBe((textRows.length + prefix.tokens + ids.suffix.length - 1) * H);
    textRows.forEach((id, row) => expect(embeds.subarray(row * H, (row + 1) * H)).toEqual(designRow(id)));
    const historyRows = new Float32Array(ids.history.flatMap((id) => Array.from(designRow(id))));
    const expected = crossAttentionReference(matrix(prefix.tokens, H, prefix.data), matrix(ids.history.length, H, historyRows), crossWeights);
    const speechAt = textRows.length * H;
    expect(maxAbsDiff(embeds.subarray(speechAt, speechAt + prefix.tokens * H), expected.data)).toBeLessThanOrEqual(1e-5);
    ids.suffix.slice(0, -1).forEach((id, i) => {
      const row = textRows.length + prefix.tokens + i;
      expect(embeds.subarray(row * H, (row + 1) * H)).toEqual(designRow(id));
    });
    // The designed LLM still answers through the spliced prompt, streamed.
    expect(reply.text).toBe(LLM_REPLY_TEXT.comfort);
    expect(deltas.join('')).toBe(reply.text);
    expect(reply.timingsMs.firstToken).toBeGreaterThan(0);
  });

  it('without cross-attention puts the speech vectors in as they are', async () => {
    const dialogue = dialogueSaying('i feel sad');
    const prefix = speech(3, 2);
    const { embeds } = await capture(dialogue, prefix, null);
    const ids = promptIds(dialogue);
    const speechAt = (ids.head.length + ids.history.length) * H;
    expect(embeds.subarray(speechAt, speechAt + 3 * H)).toEqual(prefix.data);
  });

  it('the cue word in the text history still steers the designed reply through the speech prompt', async () => {
    const { reply } = await capture(dialogueSaying('please encourage me'), speech(4, 3), cross);
    expect(reply.text).toBe(LLM_REPLY_TEXT.encourage);
  });

  it('refuses speech vectors of another width than the LLM', async () => {
    const engine = new ReplyEngine(bundle);
    const wrong = { data: new Float32Array(2 * 16), tokens: 2, hidden: 16 };
    await expect(speechReply(engine, bundle, cross, dialogueSaying('hi'), SETTINGS, wrong, () => {})).rejects.toThrow(/16-d.*32-d/);
  });
});

describe('ReplyEngine.generateFromEmbeds (tiny/llm-embeds)', () => {
  it('continues from embeddings exactly as generate() from the same tokens', async () => {
    const chat = [{ role: 'system', content: 'Strategy: encourage.' }, { role: 'user', content: 'hi' }];
    const ids = chatIds(chat);
    const embeds = new Float32Array(ids.slice(0, -1).flatMap((id) => Array.from(designRow(id))));
    const fromEmbeds = await new ReplyEngine(bundle).generateFromEmbeds({ embeds, hiddenSize: H, rowIds: ids.slice(0, -1), lastTokenId: ids.at(-1)! }, { maxNewTokens: 40, onToken: () => {} });
    const fromIds = await new ReplyEngine(bundle).generate(chat, { maxNewTokens: 40, onToken: () => {} });
    expect(fromEmbeds).toMatchObject({ text: LLM_REPLY_TEXT.encourage, tokens: fromIds.tokens, stopReason: 'eos' });
    expect(fromIds.text).toBe(LLM_REPLY_TEXT.encourage);
  });

  it('stops when cancelled, and refuses embeddings that are not whole rows', async () => {
    const controller = new AbortController();
    const ids = chatIds([{ role: 'user', content: 'hi' }]);
    const embeds = new Float32Array(ids.slice(0, -1).flatMap((id) => Array.from(designRow(id))));
    const cancelled = await new ReplyEngine(bundle).generateFromEmbeds({ embeds, hiddenSize: H, rowIds: ids.slice(0, -1), lastTokenId: ids.at(-1)! }, { maxNewTokens: 40, signal: controller.signal, onToken: () => controller.abort() });
    expect(cancelled.stopReason).toBe('cancelled');
    expect(cancelled.tokens).toBeLessThanOrEqual(2);
    await expect(new ReplyEngine(bundle).generateFromEmbeds({ embeds: new Float32Array(H + 1), hiddenSize: H, rowIds: [1], lastTokenId: 4 }, { maxNewTokens: 4, onToken: () => {} })).rejects.toThrow(/whole rows/);
  });
});
