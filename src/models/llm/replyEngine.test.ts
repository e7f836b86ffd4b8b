import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { env, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmFamily, type LlmBundle } from './llmFamily';
import { DecodeGate } from './decodeGate';
import { ReplyEngine, type ChatMessage } from './replyEngine';
import { replyToDialogue } from './replyToDialogue';
import { ALL_CUES_ON } from '../../conversation/affectCues';
import { appendAssistantTurn, appendUserTurn, newDialogue, TRIM_LOW_WATER, type Dialogue } from '../../conversation/dialogue';
import { buildReplyPlan } from '../../conversation/prompt';
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

/** Records the input_ids length of every run of the LLM session while `body` runs; `onRun` sees each as it starts. */
async function recordRuns<T>(body: (runs: number[]) => Promise<T>, onRun: (runs: number[]) => void = () => {}): Promise<{ result: T; runs: number[] }> {
  const session = (bundle.model.sessions as Record<string, RecordedSession>)['model']!;
  const run = session.run;
  const runs: number[] = [];
  session.run = (feeds, ...rest) => {
    runs.push(feeds['input_ids']!.dims[1]!);
    onRun(runs);
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

function promptIds(chat: ChatMessage[], addGenerationPrompt = true): number[] {
  return bundle.tokenizer.apply_chat_template(chat, { add_generation_prompt: addGenerationPrompt, tokenize: true, return_tensor: false, return_dict: false }) as unknown as number[];
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

  it('a held gate stops decoding before its next step, and the reply goes on whole once released', async () => {
    const gate = new DecodeGate();
    const runsWhenWaiting: number[] = [];
    let recorded: number[] = [];
    const passed = gate.passed.bind(gate);
    gate.passed = () => {
      if (gate.held) {
        runsWhenWaiting.push(recorded.length);
        // The step that waits has not run: release it from here, after the check.
        queueMicrotask(() => gate.release());
      }
      return passed();
    };
    const { result } = await recordRuns(
      (runs) => {
        recorded = runs;
        return reply(new ReplyEngine(bundle, gate), comfortChat);
      },
      // Held once the prefill and the first decoding step ran (as the first chunk's synthesis would hold it).
      (runs) => runs.length === 2 && gate.hold(),
    );
    expect(runsWhenWaiting).toEqual([2]);
    expect(result).toMatchObject({ text: COMFORT, tokens: COMFORT_TOKENS, stopReason: 'eos' });
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

  it('reuses the prefix an edited prompt shares with the last one, and nothing after reset()', async () => {
    const engine = new ReplyEngine(bundle);
    await reply(engine, comfortChat);
    const edited: ChatMessage[] = [{ role: 'system', content: 'You listen.' }, comfortChat[1]!];
    // "<|im_start|>system\n" is all the two prompts share.
    const shared = 3;
    expect(promptIds(edited).slice(0, shared)).toEqual(promptIds(comfortChat).slice(0, shared));
    expect(promptIds(edited)[shared]).not.toBe(promptIds(comfortChat)[shared]);
    const { result, runs } = await recordRuns(() => reply(engine, edited));
    expect(runs[0]).toBe(promptLength(edited) - shared);
    expect(result).toMatchObject({ text: COMFORT, promptTokens: promptLength(edited), prefilledTokens: promptLength(edited) - shared });

    await engine.reset();
    const afterReset = await recordRuns(() => reply(engine, edited));
    expect(afterReset.runs[0]).toBe(promptLength(edited));
    expect(afterReset.result.prefilledTokens).toBe(promptLength(edited));
  });

  it('a reply whose last words never reached the history is cropped where the prompts part, and replies as a fresh engine', async () => {
    const NO_CUES = { relativeEnergyDb: null, wordsPerSecond: null, longPauses: [] } as never;
    const user = (dialogue: Dialogue, transcript: string) => appendUserTurn(dialogue, { transcript, startMs: 0, endMs: 1000, energyDb: -20, strategy: 'neutral', deltaDb: null, cues: NO_CUES });
    const options = { cues: ALL_CUES_ON, affectCuesInPrompt: false, tauDb: 3, budgetTokens: 2000, countPromptTokens: (messages: readonly ChatMessage[]) => promptLength(messages as ChatMessage[]) };
    const plan = (dialogue: Dialogue) => {
      const built = buildReplyPlan(dialogue, options);
      if (built.kind !== 'generate') throw new Error('expected a prompt');
      return built.messages;
    };
    const first = user(newDialogue(), 'i feel so tired');
    const engine = new ReplyEngine(bundle);
    const heard = await reply(engine, plan(first));
    expect(heard.text).toBe(COMFORT);
    // The user barged in after "i hear you,": the words generated after it never reached the dialogue.
    const cutOff = user(appendAssistantTurn(first, { text: 'i hear you,', interrupted: true }), 'please encourage me');
    const messages = plan(cutOff);
    expect(messages[2]).toEqual({ role: 'assistant', content: 'i hear you, [interrupted]' });
    const firstPrompt = promptLength(plan(first));
    // Cached: the first prompt and "i hear you ," (4 tokens) of the reply's 9 fed tokens; the rest is cropped.
    const { result, runs } = await recordRuns(() => reply(engine, messages));
    expect(result.prefilledTokens).toBe(promptLength(messages) - (firstPrompt + 4));
    expect(runs[0]).toBe(result.prefilledTokens);
    const { result: fresh, runs: freshRuns } = await recordRuns(() => reply(new ReplyEngine(bundle), messages));
    expect(freshRuns[0]).toBe(promptLength(messages));
    expect(result).toMatchObject({ text: ENCOURAGE, tokens: ENCOURAGE_TOKENS, stopReason: 'eos' });
    expect({ text: result.text, tokens: result.tokens, deltas: result.deltas }).toEqual({ text: fresh.text, tokens: fresh.tokens, deltas: fresh.deltas });
  });

  it('prefill then generate prefills only the last token and replies as generate from scratch', async () => {
    const engine = new ReplyEngine(bundle);
    const prefilled = await engine.prefill(secondTurn);
    expect(prefilled).toMatchObject({ promptTokens: promptLength(secondTurn) - 1, prefilledTokens: promptLength(secondTurn) - 1, cachedTokens: promptLength(secondTurn) - 1, cancelled: false });
    // The same prompt again: nothing new to run.
    expect(await engine.prefill(secondTurn)).toMatchObject({ prefilledTokens: 0, cachedTokens: promptLength(secondTurn) - 1 });
    const { result, runs } = await recordRuns(() => reply(engine, secondTurn));
    expect(runs[0]).toBe(1);
    expect(result).toMatchObject({ promptTokens: promptLength(secondTurn), prefilledTokens: 1 });
    const fresh = await reply(new ReplyEngine(bundle), secondTurn);
    expect({ text: result.text, tokens: result.tokens, deltas: result.deltas }).toEqual({ text: fresh.text, tokens: fresh.tokens, deltas: fresh.deltas });
    expect(result.text).toBe(ENCOURAGE);
  });

  it('a prefix prefill (the system prompt) is reused by the prompts that start with it', async () => {
    const engine = new ReplyEngine(bundle);
    const system = [comfortChat[0]!];
    const systemIds = promptIds(system, false);
    expect(promptIds(comfortChat).slice(0, systemIds.length)).toEqual(systemIds);
    expect(await engine.prefill(system, { asPrefix: true })).toMatchObject({ promptTokens: systemIds.length, prefilledTokens: systemIds.length });
    const { result, runs } = await recordRuns(() => reply(engine, comfortChat));
    expect(runs[0]).toBe(promptLength(comfortChat) - systemIds.length);
    expect(result).toMatchObject({ text: COMFORT, prefilledTokens: promptLength(comfortChat) - systemIds.length });
  });

  it('a cancelled prefill keeps the chunks it finished, and a reply asked for meanwhile waits for it', async () => {
    // A prompt of more than two 128-token chunks.
    const long: ChatMessage[] = [{ role: 'system', content: 'You are a kind listener.' }, { role: 'user', content: Array.from({ length: 90 }, () => 'nothing worked today').join(' ') }];
    expect(promptLength(long)).toBeGreaterThan(256);
    const engine = new ReplyEngine(bundle);
    const controller = new AbortController();
    // Aborted as its first chunk starts: that chunk completes, the next never starts.
    const { result: cancelled, runs } = await recordRuns(
      () => engine.prefill(long, { signal: controller.signal }),
      () => controller.abort(),
    );
    expect(runs).toEqual([128]);
    expect(cancelled).toMatchObject({ prefilledTokens: 128, cachedTokens: 128, cancelled: true });
    // Cancelled before it began (a speculative turn that went on): it runs nothing and leaves the cache as it was.
    const never = await recordRuns(() => engine.prefill(comfortChat, { signal: controller.signal }));
    expect(never.runs).toEqual([]);
    expect(never.result).toMatchObject({ prefilledTokens: 0, cancelled: true });

    const replied = await recordRuns(() => {
      const prefill = engine.prefill(long);
      return Promise.all([prefill, reply(engine, long)]);
    });
    const [finished, answer] = replied.result;
    const rest = promptLength(long) - 1 - 128;
    expect(finished).toMatchObject({ prefilledTokens: rest, cancelled: false });
    // The prefill's remaining chunks first, then the reply, which feeds only the prompt's last token.
    const chunks = Array.from({ length: Math.ceil(rest / 128) }, (_, i) => Math.min(128, rest - i * 128));
    expect(replied.runs.slice(0, chunks.length + 1)).toEqual([...chunks, 1]);
    expect(answer.prefilledTokens).toBe(1);
    await expect(Promise.all([reply(engine, comfortChat), reply(engine, comfortChat)])).rejects.toThrow(/already generating/);
  });

  it('forcedText makes the model write that text and end its turn, or stop at maxNewTokens, streamed as usual', async () => {
    // Greedy on this prompt the designed model writes COMFORT; forced, it writes ENCOURAGE's tokens, then <|im_end|>.
    const deltas: string[] = [];
    const forced = await new ReplyEngine(bundle).generate(comfortChat, { maxNewTokens: 40, forcedText: ENCOURAGE, onToken: (delta) => deltas.push(delta) });
    expect(forced).toMatchObject({ text: ENCOURAGE, tokens: ENCOURAGE_TOKENS, stopReason: 'eos' });
    expect(deltas.join('')).toBe(ENCOURAGE);
    const cut = await new ReplyEngine(bundle).generate(comfortChat, { maxNewTokens: 4, forcedText: ENCOURAGE, onToken: () => {} });
    expect(cut).toMatchObject({ text: 'you can do this', tokens: 4, stopReason: 'maxTokens' });
  });

  it('a forced reply is kept in the cache like a written one: the next turn prefills only what follows it', async () => {
    const engine = new ReplyEngine(bundle);
    await engine.generate(comfortChat, { maxNewTokens: 40, forcedText: ENCOURAGE, onToken: () => {} });
    const next: ChatMessage[] = [...comfortChat, { role: 'assistant', content: ENCOURAGE }, { role: 'user', content: 'Please encourage me.' }];
    const answer = await engine.generate(next, { maxNewTokens: 40, onToken: () => {} });
    // Cached: the first prompt and the forced reply but its last sampled token (<|im_end|>, never fed).
    expect(answer.prefilledTokens).toBe(promptLength(next) - (promptLength(comfortChat) + ENCOURAGE_TOKENS - 1));
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
    expect(result.prompt).toEqual({ tokens: runs[0], prefilledTokens: runs[0], budgetTokens, droppedTurns: expect.any(Number) });
    expect(runs[0]).toBeLessThanOrEqual(budgetTokens);
    // Turns go down to three quarters of the budget (so the next turns keep the cached start); each exchange is 20+
    // tokens, so one more would pass that mark.
    expect(runs[0]).toBeLessThanOrEqual(budgetTokens * TRIM_LOW_WATER);
    expect(runs[0]).toBeGreaterThan(budgetTokens * TRIM_LOW_WATER - 40);
    expect(result.prompt!.droppedTurns).toBeGreaterThan(15);
    expect(result.text).toBe(COMFORT);
  });

  it("never asks for more than the model's context less the reply's room", async () => {
    const { result } = await recordRuns(() => replyToDialogue(new ReplyEngine(bundle), bundle, longDialogue(2), settings(1_000_000), () => {}));
    // tiny/llm: max_position_embeddings 2048, 40 tokens of reply room.
    expect(result.prompt).toMatchObject({ budgetTokens: 2048 - 40, droppedTurns: 0 });
  });
});
