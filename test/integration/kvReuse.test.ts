// The KV cache across the turns of a real conversation (the app's prompt builder, cues on) on the tiny pack: each
// turn prefills only what is new, on both answer paths, and a reply from a reused or cropped cache is the reply
// (and the logits, step by step) of a fresh engine that prefills everything.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CUES_ON } from '../../src/conversation/affectCues';
import { Conversation, DEFAULT_MAX_PROMPT_TOKENS, type ReplySettings, type SpeechSide } from '../../src/conversation/conversation';
import { appendUserTurn, userTurns, type AssistantTurn } from '../../src/conversation/dialogue';
import { systemPrompt } from '../../src/conversation/prompt';
import { recordingLogMel } from '../../src/audio/recordingLogMel';
import { readWav } from '../../src/audio/wav/readWav';
import type { Turn } from '../../src/turns/turn';
import { encodeWindow } from '../../src/models/asr/transcriber';
import { MEL_BINS } from '../../src/models/es4r/stage1/stage1Types';
import { loadPackInNode, type NodeModels } from '../../scripts/cli/loadPackInNode';
import type { LlmBundle } from '../../src/models/llm/llmFamily';
import { ReplyEngine, type ChatMessage, type EmbedsPrompt, type Reply, type ReplyOptions } from '../../src/models/llm/replyEngine';
import { prefillDialogue, prefillSystemPrompt, replyToDialogue } from '../../src/models/llm/replyToDialogue';
import { speechReply } from '../../src/models/llm/speechReply';

const SETTINGS: ReplySettings = { cues: ALL_CUES_ON, affectCuesInPrompt: true, tauDb: 3, maxNewTokens: 40, maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS, answerPath: 'text', dualAttention: true, crossAttention: true };
/** Five user turns; the energies move so that the cue notes (strategy included) differ from turn to turn. */
const TURNS = [
  { transcript: 'hello there', energyDb: -20 },
  { transcript: 'i feel sad today', energyDb: -21 },
  { transcript: 'nothing worked at work', energyDb: -30 },
  { transcript: 'i am so tired', energyDb: -22 },
  { transcript: 'please encourage me', energyDb: -8 },
];
/** Keys, values and logits from a cached and an uncached prefill agree to float32 rounding of a 2-layer model. */
const LOGIT_TOLERANCE = 1e-4;

let models: NodeModels;
let speechLogMel: { data: Float32Array; nMels: number; frameCount: number };

/** A key/value tensor [batch, kvHeads, positions, headDim] as the decoder read or wrote it. */
interface CacheTensor {
  dims: readonly number[];
  data: Float32Array;
}

interface Run {
  /** Positions this run of the decoder read (token ids or embedding rows). */
  rows: number;
  /** The logits of its last position. */
  logits: Float32Array;
  /** The cache it was given (past_key_values.*) and the one it returned (present.*), by layer and key/value. */
  past: Record<string, CacheTensor>;
  present: Record<string, CacheTensor>;
}

/** One reply as the engine saw it: the prompt's ids (speech rows negative), the result, the decoder runs it took. */
interface Observed {
  promptIds: number[];
  reply: Reply;
  runs: Run[];
  input: { messages: ChatMessage[] } | { embeds: EmbedsPrompt };
}

interface RecordedSession {
  run: (feeds: Record<string, { dims: readonly number[] }>, ...rest: unknown[]) => Promise<Record<string, { dims: readonly number[]; data: unknown }>>;
}

/** Reports every run of the bundle's decoder session (not the embedding lookup); returns the undo. */
function recordDecoder(bundle: LlmBundle, onRun: (run: Run) => void): () => void {
  const sessions = bundle.model.sessions as Record<string, RecordedSession>;
  const session = sessions['model'] ?? sessions['decoder_model_merged']!;
  const run = session.run;
  session.run = async (feeds, ...rest) => {
    const outputs = await run.call(session, feeds, ...rest);
    const logits = outputs['logits']!;
    const vocab = logits.dims.at(-1)!;
    const data = logits.data as Float32Array;
    const tensors = (all: Record<string, { dims: readonly number[]; data?: unknown }>, prefix: string) =>
      Object.fromEntries(Object.entries(all).flatMap(([name, t]) => (name.startsWith(prefix) ? [[name.slice(prefix.length), { dims: t.dims, data: (t.data as Float32Array).slice() }]] : [])));
    onRun({ rows: (feeds['input_ids'] ?? feeds['inputs_embeds'])!.dims[1]!, logits: data.slice(data.length - vocab), past: tensors(feeds, 'past_key_values.'), present: tensors(outputs, 'present.') });
    return outputs;
  };
  return () => {
    session.run = run;
  };
}

function templateIds(bundle: LlmBundle, messages: ChatMessage[], addGenerationPrompt = true): number[] {
  return bundle.tokenizer.apply_chat_template(messages, { add_generation_prompt: addGenerationPrompt, tokenize: true, return_tensor: false, return_dict: false } as never) as unknown as number[];
}

/** An engine that records, per reply, what it was asked and which decoder runs answered. */
function observedEngine(bundle: LlmBundle): { engine: ReplyEngine; observed: Observed[]; release: () => void } {
  const engine = new ReplyEngine(bundle);
  const observed: Observed[] = [];
  let runs: Run[] = [];
  const release = recordDecoder(bundle, (run) => runs.push(run));
  const generate = engine.generate.bind(engine);
  const generateFromEmbeds = engine.generateFromEmbeds.bind(engine);
  engine.generate = async (messages, options) => {
    runs = [];
    const reply = await generate(messages, options);
    observed.push({ promptIds: templateIds(bundle, messages), reply, runs, input: { messages } });
    return reply;
  };
  engine.generateFromEmbeds = async (prompt, options) => {
    runs = [];
    const reply = await generateFromEmbeds(prompt, options);
    observed.push({ promptIds: [...prompt.rowIds, prompt.lastTokenId], reply, runs, input: { embeds: prompt } });
    return reply;
  };
  return { engine, observed, release };
}

/** The same reply from an engine with no cache at all: every prompt position is prefilled. */
async function freshReply(bundle: LlmBundle, seen: Observed): Promise<{ reply: Reply; runs: Run[] }> {
  const runs: Run[] = [];
  const release = recordDecoder(bundle, (run) => runs.push(run));
  try {
    const engine = new ReplyEngine(bundle);
    const options: ReplyOptions = { maxNewTokens: SETTINGS.maxNewTokens, onToken: () => {} };
    const reply = 'messages' in seen.input ? await engine.generate(seen.input.messages, options) : await engine.generateFromEmbeds(seen.input.embeds, options);
    return { reply, runs };
  } finally {
    release();
  }
}

/**
 * A reply from the cache equals the fresh one: the reused cache holds the keys and values a full prefill computes
 * for those positions, and the reply has the same tokens and the same logits at every generated step.
 */
async function expectSameAsFresh(bundle: LlmBundle, seen: Observed): Promise<void> {
  const fresh = await freshReply(bundle, seen);
  expect(positionsRead({ ...seen, ...fresh })).toBe(seen.promptIds.length);
  const reused = seen.runs[0]!.past;
  const computed = fresh.runs[0]!.present;
  expect(Object.keys(reused).sort()).toEqual(Object.keys(computed).sort());
  for (const [name, tensor] of Object.entries(reused)) {
    const [, , positions, headDim] = tensor.dims as [number, number, number, number];
    const full = computed[name]!;
    expect(full.dims[2]).toBeGreaterThanOrEqual(positions);
    // The tiny decoder has one KV head (batch 1): positions are contiguous rows of headDim values.
    expect(tensor.dims.slice(0, 2)).toEqual([1, 1]);
    expect(maxAbsDiff(tensor.data, full.data.subarray(0, positions * headDim))).toBeLessThanOrEqual(LOGIT_TOLERANCE);
  }
  expect({ text: seen.reply.text, tokens: seen.reply.tokens, stopReason: seen.reply.stopReason }).toEqual({ text: fresh.reply.text, tokens: fresh.reply.tokens, stopReason: fresh.reply.stopReason });
  // One run per generated token but the last (sampled, never fed), each ending with that step's logits.
  const steps = seen.reply.tokens;
  const cachedSteps = seen.runs.slice(-steps);
  const freshSteps = fresh.runs.slice(-steps);
  cachedSteps.forEach((run, i) => expect(maxAbsDiff(run.logits, freshSteps[i]!.logits)).toBeLessThanOrEqual(LOGIT_TOLERANCE));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  a.forEach((value, i) => (max = Math.max(max, Math.abs(value - b[i]!))));
  return max;
}

/** Prompt positions the decoder actually read for this reply: all runs, less one per generated token after the first. */
function positionsRead(seen: Observed): number {
  return seen.runs.reduce((sum, run) => sum + run.rows, 0) - (seen.reply.tokens - 1);
}

function sharedPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i]! >= 0 && a[i] === b[i]) i++;
  return i;
}

/** Where the last occurrence of `run` starts in `ids`, or -1. */
function lastIndexOfRun(ids: readonly number[], run: readonly number[]): number {
  for (let start = ids.length - run.length; start >= 0; start--) if (run.every((id, i) => ids[start + i] === id)) return start;
  return -1;
}

/** What the cache holds after a reply: its prompt and its reply's tokens but the last (sampled, never fed). */
function keptAfter(bundle: LlmBundle, seen: Observed): number[] {
  const replyIds = bundle.tokenizer.encode(seen.reply.text, { add_special_tokens: false });
  return [...seen.promptIds, ...replyIds].slice(0, seen.promptIds.length + seen.reply.tokens - 1);
}

function turnAt(index: number, energyDb: number): Turn {
  const { data, nMels, frameCount } = speechLogMel;
  const energy = new Float32Array(frameCount).fill(10 ** (energyDb / 10));
  return {
    index, startMs: index * 5000, endMs: index * 5000 + 2000, paddedStartMs: index * 5000 - 200, paddedEndMs: index * 5000 + 2000,
    pcm16k: new Float32Array(1600).fill(index), nMels, frameCount, logMel: data, energy,
    speechFrames: new Uint8Array(frameCount).fill(1), energyMean: 10 ** (energyDb / 10), energyDb, endReason: 'silence', decidedAtMs: index * 5000 + 2500,
  };
}

/** The app's conversation loop over TURNS, answered by the tiny pack's LLMs after their system prompts were prefilled. */
async function converse(settings: ReplySettings, hooks: { onReplyText?: (conversation: Conversation) => void } = {}) {
  const text = observedEngine(models.llm);
  const speech = observedEngine(models.speech!.llm);
  const systemPrefix = { text: await prefillSystemPrompt(text.engine, settings.affectCuesInPrompt), speech: await prefillSystemPrompt(speech.engine, settings.affectCuesInPrompt) };
  const speechSide: SpeechSide = {
    available: true,
    encoder: { encode: (turns, options) => models.speech!.encoder.encode(turns, (window) => encodeWindow(models.asr, window, MEL_BINS), options) },
  };
  let conversation: Conversation | null = null;
  conversation = new Conversation(
    { transcribe: async ({ pcm16k }) => ({ text: TURNS[pcm16k[0]!]!.transcript, timingsMs: {} }) },
    {
      reply: (dialogue, replySettings, onText, signal, vectors) =>
        vectors
          ? speechReply(speech.engine, models.speech!.llm, models.speech!.crossAttention, dialogue, replySettings, vectors, onText, signal)
          : replyToDialogue(text.engine, models.llm, dialogue, replySettings, onText, signal),
    },
    () => settings,
    (event) => {
      if (event.type === 'replyText') hooks.onReplyText?.(conversation!);
    },
    () => speechSide,
  );
  for (const [index, turn] of TURNS.entries()) {
    await conversation.handleTurn(turnAt(index, turn.energyDb));
    await conversation.settled();
  }
  text.release();
  speech.release();
  const replies = conversation.current.turns.filter((turn): turn is AssistantTurn => turn.kind === 'assistant');
  return { replies, observed: settings.answerPath === 'text' ? text.observed : speech.observed, systemPrefix, dialogue: conversation.current };
}

beforeAll(async () => {
  models = await loadPackInNode('tiny', { withSpeechPath: true });
  const pcm16k = readWav(new Uint8Array(readFileSync(join(process.cwd(), 'fixtures', 'speech-16k.wav')))).samples;
  speechLogMel = recordingLogMel(pcm16k, 16_000, MEL_BINS);
});

afterAll(async () => {
  await models?.release();
});

describe('the KV cache over a real conversation (tiny pack, cues on)', () => {
  it('text path: turn 1 prefills its own message after the system prompt, turn N only what follows turn N-1', async () => {
    const { replies, observed, systemPrefix } = await converse(SETTINGS);
    const systemIds = templateIds(models.llm, [{ role: 'system', content: systemPrompt(true) }], false);
    expect(systemPrefix.text).toMatchObject({ promptTokens: systemIds.length, prefilledTokens: systemIds.length, cachedTokens: systemIds.length, cancelled: false });
    expect(observed).toHaveLength(TURNS.length);
    // Every user message keeps the cue note it was sent with.
    expect(observed.at(-1)!.input).toMatchObject({ messages: expect.arrayContaining([expect.objectContaining({ role: 'user', content: expect.stringMatching(/^nothing worked at work\n\n\[.+\]$/) })]) });
    let kept = systemIds;
    for (const [n, seen] of observed.entries()) {
      const prompt = replies[n]!.prompt!;
      expect(prompt.tokens).toBe(seen.promptIds.length);
      // Everything the cache held is reused: the new prompt starts with the last prompt and reply, word for word.
      expect(seen.promptIds.slice(0, kept.length)).toEqual(kept);
      expect(prompt.prefilledTokens).toBe(seen.promptIds.length - kept.length);
      expect(positionsRead(seen)).toBe(prompt.prefilledTokens);
      expect(prompt.prefilledTokens).toBeLessThan(prompt.tokens);
      if (n > 0) expect(prompt.prefilledTokens).toBeLessThan(prompt.tokens - replies[n - 1]!.prompt!.tokens);
      await expectSameAsFresh(models.llm, seen);
      kept = keptAfter(models.llm, seen);
    }
    // The cue word of the last turn's note steers the designed reply.
    expect(replies.map((reply) => reply.text).at(-1)).toBe('you can do this, one step at a time!');
  });

  it('speech path: turn N prefills only the new text history, the speech vectors and the suffix', async () => {
    const { replies, observed } = await converse({ ...SETTINGS, answerPath: 'speech' });
    const systemIds = templateIds(models.speech!.llm, [{ role: 'system', content: systemPrompt(true) }], false);
    expect(replies.every((reply) => reply.route?.path === 'speech')).toBe(true);
    /** The text rows before the speech vectors: they alone can be reused next turn. */
    let reusable = systemIds;
    for (const [n, seen] of observed.entries()) {
      const prompt = replies[n]!.prompt!;
      const firstSpeechRow = seen.promptIds.findIndex((id) => id < 0);
      const speechRows = seen.promptIds.filter((id) => id < 0).length;
      expect(speechRows).toBe(replies[n]!.route!.speechTokens);
      expect(seen.promptIds.slice(0, reusable.length)).toEqual(reusable);
      // The new text history, then the speech vectors and the suffix.
      expect(prompt.prefilledTokens).toBe(seen.promptIds.length - reusable.length);
      expect(positionsRead(seen)).toBe(prompt.prefilledTokens);
      expect(prompt.prefilledTokens).toBeLessThan(prompt.tokens);
      if (n > 0) expect(reusable.length).toBeGreaterThan(systemIds.length);
      await expectSameAsFresh(models.speech!.llm, seen);
      reusable = seen.promptIds.slice(0, firstSpeechRow);
    }
  });

  it('a trimmed prompt crops the cache to the prefix it shares with the last turn', async () => {
    // A budget that holds about three exchanges: the later turns leave the oldest out.
    const { replies, observed } = await converse({ ...SETTINGS, maxPromptTokens: 260 });
    const trimmedAt = replies.findIndex((reply) => reply.prompt!.droppedTurns > 0);
    expect(trimmedAt).toBeGreaterThan(0);
    const seen = observed[trimmedAt]!;
    const kept = keptAfter(models.llm, observed[trimmedAt - 1]!);
    const shared = sharedPrefix(kept, seen.promptIds);
    // Cropped, not discarded: the system prompt (and what follows it alike) is reused; the rest is prefilled.
    const systemIds = templateIds(models.llm, [{ role: 'system', content: systemPrompt(true) }], false);
    expect(shared).toBeGreaterThanOrEqual(systemIds.length);
    expect(shared).toBeLessThan(kept.length);
    expect(replies[trimmedAt]!.prompt!.prefilledTokens).toBe(seen.promptIds.length - shared);
    expect(positionsRead(seen)).toBe(seen.promptIds.length - shared);
    await expectSameAsFresh(models.llm, seen);
    // Trimmed down to the low-water mark, the next turn leaves out the same turns: its prompt extends the last one.
    const next = observed[trimmedAt + 1]!;
    expect(replies[trimmedAt + 1]!.prompt!.droppedTurns).toBe(replies[trimmedAt]!.prompt!.droppedTurns);
    const keptBefore = keptAfter(models.llm, seen);
    expect(next.promptIds.slice(0, keptBefore.length)).toEqual(keptBefore);
    expect(replies[trimmedAt + 1]!.prompt!.prefilledTokens).toBe(next.promptIds.length - keptBefore.length);
  });

  it('a reply cut off by the user is reused up to where the prompts part', async () => {
    let interrupted = false;
    const { replies, observed } = await converse(SETTINGS, {
      onReplyText: (conversation) => {
        // Barge in on the second reply at its first words.
        if (interrupted || conversation.current.turns.filter((turn) => turn.kind === 'assistant').length !== 2) return;
        interrupted = true;
        void conversation.interrupt();
      },
    });
    expect(replies[1]).toMatchObject({ interrupted: true });
    expect(replies[1]!.text.split(' ').length).toBeLessThan(observed[0]!.reply.text.split(' ').length);
    const seen = observed[2]!;
    expect(seen.input).toMatchObject({ messages: expect.arrayContaining([{ role: 'assistant', content: `${replies[1]!.text} [interrupted]` }]) });
    const kept = keptAfter(models.llm, observed[1]!);
    const shared = sharedPrefix(kept, seen.promptIds);
    expect(shared).toBeGreaterThan(observed[1]!.promptIds.length);
    expect(replies[2]!.prompt!.prefilledTokens).toBe(seen.promptIds.length - shared);
    expect(positionsRead(seen)).toBe(seen.promptIds.length - shared);
    await expectSameAsFresh(models.llm, seen);
  });

  it('after a reply, prefilling the history readies the next turn: on the speech path the reply is not prefilled again at turn end', async () => {
    const settings: ReplySettings = { ...SETTINGS, answerPath: 'speech' };
    const { dialogue: earlier, replies } = await converse(settings);
    const dialogue = appendUserTurn(earlier, { transcript: 'i feel better now', startMs: 30_000, endMs: 32_000, energyDb: -20, strategy: 'neutral', deltaDb: 0, cues: userTurns(earlier)[0]!.cues });
    const { engine, observed, release } = observedEngine(models.speech!.llm);
    try {
      await prefillSystemPrompt(engine);
      // The last prompt held the last turn's speech vectors: the reply after them is cached at the wrong positions.
      const warmed = await prefillDialogue(engine, models.speech!.llm, earlier, settings);
      expect(warmed).toMatchObject({ cancelled: false });
      const vectors = await models.speech!.encoder.encode([speechLogMel, speechLogMel], (window) => encodeWindow(models.asr, window, MEL_BINS), { dualAttention: true });
      const result = await speechReply(engine, models.speech!.llm, models.speech!.crossAttention, dialogue, settings, vectors, () => {});
      const seen = observed[0]!;
      const lastReplyIds = models.speech!.llm.tokenizer.encode(replies.at(-1)!.text, { add_special_tokens: false });
      const replyEnd = lastIndexOfRun(seen.promptIds, lastReplyIds) + lastReplyIds.length;
      expect(replyEnd).toBeGreaterThan(lastReplyIds.length);
      // Cached before the turn: everything up to and past the last reply; prefilled at turn end: the rest alone.
      expect(warmed!.cachedTokens).toBeGreaterThan(replyEnd);
      expect(result.prompt!.prefilledTokens).toBe(seen.promptIds.length - warmed!.cachedTokens);
      expect(positionsRead(seen)).toBe(result.prompt!.prefilledTokens);
      // The new user message begins right after the cached part: its words are all read at turn end.
      const userIds = models.speech!.llm.tokenizer.encode('i feel better now', { add_special_tokens: false });
      expect(lastIndexOfRun(seen.promptIds, userIds)).toBeGreaterThanOrEqual(warmed!.cachedTokens);
      await expectSameAsFresh(models.speech!.llm, seen);
    } finally {
      release();
    }
  });

  it("the worker's prefill of a turn's text prompt readies the speech path too: its reply then prefills only the speech vectors and the suffix", async () => {
    const settings: ReplySettings = { ...SETTINGS, answerPath: 'speech' };
    const { dialogue: earlier } = await converse(settings);
    const dialogue = appendUserTurn(earlier, { transcript: 'i feel better now', startMs: 30_000, endMs: 32_000, energyDb: -20, strategy: 'neutral', deltaDb: 0, cues: userTurns(earlier)[0]!.cues });
    const { engine, observed, release } = observedEngine(models.speech!.llm);
    try {
      const prefilled = await prefillDialogue(engine, models.speech!.llm, dialogue, settings);
      expect(prefilled).toMatchObject({ cancelled: false });
      const vectors = await models.speech!.encoder.encode([speechLogMel, speechLogMel], (window) => encodeWindow(models.asr, window, MEL_BINS), { dualAttention: true });
      const result = await speechReply(engine, models.speech!.llm, models.speech!.crossAttention, dialogue, settings, vectors, () => {});
      const seen = observed[0]!;
      const firstSpeechRow = seen.promptIds.findIndex((id) => id < 0);
      expect(firstSpeechRow).toBeLessThanOrEqual(prefilled!.cachedTokens);
      expect(result.prompt!.prefilledTokens).toBe(seen.promptIds.length - firstSpeechRow);
      expect(positionsRead(seen)).toBe(result.prompt!.prefilledTokens);
      await expectSameAsFresh(models.speech!.llm, seen);
    } finally {
      release();
    }
  });
});
