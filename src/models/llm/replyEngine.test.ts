import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { env, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmFamily, type LlmBundle } from './llmFamily';
import { ReplyEngine, type ChatMessage } from './replyEngine';
import { replyToDialogue } from './replyToDialogue';
import { ALL_CUES_ON } from '../../conversation/affectCues';
import { appendAssistantTurn, appendUserTurn, newDialogue, type Dialogue } from '../../conversation/dialogue';
import type { ReplySettings } from '../../conversation/conversation';

const MODELS_DIR = join(process.cwd(), 'public', 'models');
// The tiny LLM's designed greedy replies (scripts/tinyPack/llmDesign.ts): one token per word or punctuation mark, then <|im_end|>.
const COMFORT = 'i hear you, that sounds really hard.';
const COMFORT_TOKENS = 10;
const ENCOURAGE = 'you can do this, one step at a time!';
const ENCOURAGE_TOKENS = 12;

const comfortChat: ChatMessage[] = [
  { role: 'system', content: 'You are a kind listener.' },
  { role: 'user', content: "I'm so tired, nothing worked today." },
];
const secondTurn: ChatMessage[] = [...comfortChat, { role: 'assistant', content: COMFORT }, { role: 'user', content: 'Please encourage me.' }];

let bundle: LlmBundle;

interface RecordedSession {
  run: (feeds: Record<string, { dims: readonly number[] }>, ...rest: unknown[]) => Promise<unknown>;
}

/** Records the input_ids length of every run of the LLM session while `body` runs. */
async function recordRuns<T>(body: (runs: number[]) => Promise<T>): Promise<{ result: T; runs: number[] }> {
  const session = (bundle.model.sessions as Record<string, RecordedSession>)['model']!;
  const run = session.run;
  const runs: number[] = [];
  session.run = (feeds, ...rest) => {
    runs.push(feeds['input_ids']!.dims[1]!);
    return run.call(session, feeds, ...rest);
  };
  try {
    return { result: await body(runs), runs };
  } finally {
    session.run = run;
  }
}

function promptLength(chat: ChatMessage[]): number {
  const { input_ids } = bundle.tokenizer.apply_chat_template(chat, { add_generation_prompt: true, return_dict: true }) as unknown as { input_ids: Tensor };
  return input_ids.dims[1]!;
}

async function reply(engine: ReplyEngine, chat: ChatMessage[], maxNewTokens = 40) {
  const deltas: string[] = [];
  const result = await engine.generate(chat, { maxNewTokens, onToken: (delta) => deltas.push(delta) });
  return { ...result, deltas };
}

beforeAll(async () => {
  if (!existsSync(join(MODELS_DIR, 'tiny', 'llm'))) throw new Error('public/models/tiny/llm is missing: run `npm run make:tiny-pack` first.');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  bundle = await llmFamily.load('tiny/llm', 'cpu', 'fp32', () => {});
});

afterAll(async () => {
  if (bundle) await llmFamily.dispose(bundle);
});

describe('ReplyEngine (tiny Qwen2, ChatML, onnxruntime-node)', () => {
  it('replies to a ChatML conversation with the designed sentences and stops at <|im_end|>', async () => {
    const comfort = await reply(new ReplyEngine(bundle), comfortChat);
    expect(comfort).toMatchObject({ text: COMFORT, tokens: COMFORT_TOKENS, stopReason: 'eos' });
    const encourage = await reply(new ReplyEngine(bundle), [{ role: 'system', content: 'Strategy: encourage.' }, comfortChat[1]!]);
    expect(encourage).toMatchObject({ text: ENCOURAGE, tokens: ENCOURAGE_TOKENS, stopReason: 'eos' });
  });

  it('streams word deltas that concatenate to the text, with ordered timings', async () => {
    const { deltas, text, timingsMs } = await reply(new ReplyEngine(bundle), comfortChat);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(text);
    expect(timingsMs.promptBuild).toBeGreaterThanOrEqual(0);
    expect(timingsMs.firstToken).toBeCloseTo(timingsMs.promptBuild + timingsMs.prompt, 6);
    expect(timingsMs.total).toBeGreaterThanOrEqual(timingsMs.firstToken);
  });

  it('the thinking flag leaves a template without a thinking mode unchanged', () => {
    const render = (extra: object) => bundle.tokenizer.apply_chat_template(comfortChat, { add_generation_prompt: true, tokenize: false, ...extra });
    expect(render({ enable_thinking: false })).toBe(render({}));
  });

  it('stops at maxNewTokens', async () => {
    const { text, tokens, stopReason } = await reply(new ReplyEngine(bundle), comfortChat, 3);
    expect({ text, tokens, stopReason }).toEqual({ text: 'i hear you', tokens: 3, stopReason: 'maxTokens' });
  });

  it('an abort from the first onToken stops generation within one decoding step', async () => {
    const controller = new AbortController();
    let runsAtAbort = -1;
    const { result, runs } = await recordRuns((runs) =>
      new ReplyEngine(bundle).generate(comfortChat, {
        maxNewTokens: 40,
        signal: controller.signal,
        onToken: () => {
          if (runsAtAbort >= 0) return;
          runsAtAbort = runs.length;
          controller.abort();
        },
      }),
    );
    expect(runsAtAbort).toBeGreaterThan(0);
    expect(runs.length - runsAtAbort).toBeLessThanOrEqual(1);
    expect(result.tokens).toBeLessThanOrEqual(runsAtAbort + 1);
    expect(result.tokens).toBeLessThan(COMFORT_TOKENS);
    expect(result.stopReason).toBe('cancelled');
    expect(COMFORT.startsWith(result.text)).toBe(true);
  });

  it('keeps the KV cache across turns: turn 2 prefills only the new tokens and replies as a fresh engine does', async () => {
    const engine = new ReplyEngine(bundle);
    const first = await reply(engine, comfortChat);
    const { result: second, runs } = await recordRuns(() => reply(engine, secondTurn));
    // The cache holds the first prompt and reply except the final <|im_end|>, which was sampled but never fed.
    const cachedLength = promptLength(comfortChat) + first.tokens - 1;
    expect(runs[0]).toBe(promptLength(secondTurn) - cachedLength);
    expect(runs.slice(1).every((length) => length === 1)).toBe(true);

    const { result: fresh, runs: freshRuns } = await recordRuns(() => reply(new ReplyEngine(bundle), secondTurn));
    expect(freshRuns[0]).toBe(promptLength(secondTurn));
    expect(second).toMatchObject({ text: ENCOURAGE, tokens: ENCOURAGE_TOKENS, stopReason: 'eos' });
    expect({ text: second.text, tokens: second.tokens, deltas: second.deltas }).toEqual({ text: fresh.text, tokens: fresh.tokens, deltas: fresh.deltas });
  });

  it('drops the cache when the prompt does not extend the last turn, and on reset()', async () => {
    const engine = new ReplyEngine(bundle);
    await reply(engine, comfortChat);
    const edited: ChatMessage[] = [{ role: 'system', content: 'You listen.' }, comfortChat[1]!];
    const { result, runs } = await recordRuns(() => reply(engine, edited));
    expect(runs[0]).toBe(promptLength(edited));
    expect(result.text).toBe(COMFORT);

    await engine.reset();
    const afterReset = await recordRuns(() => reply(engine, [...edited, { role: 'assistant', content: COMFORT }, { role: 'user', content: 'Thanks.' }]));
    expect(afterReset.runs[0]).toBe(promptLength([...edited, { role: 'assistant', content: COMFORT }, { role: 'user', content: 'Thanks.' }]));
  });

  it('rejects with an error raised mid-generation, then starts the next reply without the cache', async () => {
    const engine = new ReplyEngine(bundle);
    await reply(engine, comfortChat);
    const failure = new Error('speaker gone');
    await expect(
      engine.generate(secondTurn, {
        maxNewTokens: 40,
        onToken: () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
    const { result, runs } = await recordRuns(() => reply(engine, secondTurn));
    expect(runs[0]).toBe(promptLength(secondTurn));
    expect(result.text).toBe(ENCOURAGE);
  });
});

describe('replyToDialogue: the prompt budget (tiny Qwen2)', () => {
  const NO_CUES = { relativeEnergyDb: null, wordsPerSecond: null, longPauses: [] } as never;
  const settings = (maxPromptTokens: number): ReplySettings => ({ cues: ALL_CUES_ON, affectCuesInPrompt: false, tauDb: 3, maxNewTokens: 40, maxPromptTokens, answerPath: 'text', dualAttention: true, crossAttention: true });

  function longDialogue(exchanges: number): Dialogue {
    let dialogue = newDialogue();
    for (let i = 0; i < exchanges; i++) {
      if (i > 0) dialogue = appendAssistantTurn(dialogue, { text: COMFORT });
      dialogue = appendUserTurn(dialogue, { transcript: "I'm so tired, nothing worked today.", startMs: i * 5000, endMs: i * 5000 + 2000, energyDb: -20, strategy: 'neutral', deltaDb: null, cues: NO_CUES });
    }
    return dialogue;
  }

  it('feeds the model a prompt within the budget, template included, and reports its size', async () => {
    const dialogue = longDialogue(30);
    const budgetTokens = 256;
    const { result, runs } = await recordRuns(() => replyToDialogue(new ReplyEngine(bundle), bundle, dialogue, settings(budgetTokens), () => {}));
    // The first run of the session is the prefill: what the model actually read.
    expect(result.prompt).toEqual({ tokens: runs[0], budgetTokens, droppedTurns: expect.any(Number) });
    expect(runs[0]).toBeLessThanOrEqual(budgetTokens);
    // Each exchange is 20+ tokens: a fuller prompt would not fit.
    expect(runs[0]).toBeGreaterThan(budgetTokens - 40);
    expect(result.prompt!.droppedTurns).toBeGreaterThan(15);
    expect(result.text).toBe(COMFORT);
  });

  it("never asks for more than the model's context less the reply's room", async () => {
    const { result } = await recordRuns(() => replyToDialogue(new ReplyEngine(bundle), bundle, longDialogue(2), settings(1_000_000), () => {}));
    // tiny/llm: max_position_embeddings 2048, 40 tokens of reply room.
    expect(result.prompt).toMatchObject({ budgetTokens: 2048 - 40, droppedTurns: 0 });
  });
});
