// ES4R's speech path on the LLM side: the text prompt split around the speech vectors, the text history's token
// embeddings as keys/values of the cross-attention, and generation from the spliced embeddings.
import { Tensor } from '@huggingface/transformers';
import type { ReplierResult, ReplySettings } from '../../conversation/conversation';
import type { ChatMessage, Dialogue } from '../../conversation/dialogue';
import { buildReplyPlan } from '../../conversation/prompt';
import { splitSpeechPrompt } from '../../conversation/speechPrompt';
import type { CrossAttention } from '../es4r/runtime/crossAttention';
import type { LlmBundle } from './llmFamily';
import type { ReplyEngine } from './replyEngine';
import { promptBudgetTokens } from './replyToDialogue';

/** The speech vectors of the user's turns (ES4R adapter output), [tokens, hidden] row-major. */
export interface SpeechPrefix {
  data: Float32Array;
  tokens: number;
  hidden: number;
}

/** The id of a speech-vector row in the prompt: negative, so the engine never takes it for a cached token. */
const SPEECH_ROW_ID = -1;

interface EmbedText {
  encode_text(inputs: { input_ids: Tensor }): Promise<Tensor>;
}

/**
 * Answers the dialogue's latest user turn through the speech path. `crossAttention` null is the ablation
 * "without cross-attention": the adapter's vectors go to the LLM as they are.
 */
export async function speechReply(
  engine: ReplyEngine,
  bundle: LlmBundle,
  crossAttention: CrossAttention | null,
  dialogue: Dialogue,
  settings: ReplySettings,
  speech: SpeechPrefix,
  onText: (textDelta: string) => void,
  signal?: AbortSignal,
): Promise<ReplierResult> {
  const startMs = performance.now();
  const { tokenizer } = bundle;
  const budgetTokens = promptBudgetTokens(bundle, settings);
  // The speech vectors take their room from the budget; the text plan counts only text.
  const plan = buildReplyPlan(dialogue, { ...settings, budgetTokens: Math.max(1, budgetTokens - speech.tokens), countPromptTokens: (messages) => engine.promptTokens(messages) });
  if (plan.kind === 'askToRepeat') {
    onText(plan.text);
    return { text: plan.text, stopReason: 'eos', prompt: null, timingsMs: {} };
  }
  const render = (messages: ChatMessage[], addGenerationPrompt: boolean) =>
    tokenizer.apply_chat_template(messages as ChatMessage[], { tokenize: false, add_generation_prompt: addGenerationPrompt, enable_thinking: false } as never) as unknown as string;
  const text = splitSpeechPrompt(plan.messages, render);
  const encode = (part: string) => tokenizer.encode(part, { add_special_tokens: false });
  const [head, history, suffix] = [encode(text.head), encode(text.history), encode(text.suffix)];
  const lastTokenId = suffix.at(-1);
  if (lastTokenId === undefined || history.length === 0) throw new Error('the chat template left no suffix or no text history around the speech');

  const embedStartMs = performance.now();
  const ids = [...head, ...history, ...suffix];
  const embedded = await (bundle.model as unknown as EmbedText).encode_text({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) });
  const H = embedded.dims.at(-1)!;
  if (H !== speech.hidden) throw new Error(`the speech vectors are ${speech.hidden}-d, the language model's embeddings ${H}-d: the ES4R component belongs to another LLM`);
  const table = embedded.data as Float32Array;
  const rows = (from: number, to: number) => table.subarray(from * H, to * H);
  const historyRows = rows(head.length, head.length + history.length);
  const crossStartMs = performance.now();
  const fused = crossAttention ? await crossAttention.fuse(speech.data, speech.tokens, historyRows.slice(), history.length) : speech.data;
  const crossEndMs = performance.now();

  // [start][instruction] [text history] [speech] [suffix without its last token, which generate() feeds]
  const textRows = head.length + history.length;
  const prefix = new Float32Array((ids.length - 1 + speech.tokens) * H);
  prefix.set(rows(0, textRows), 0);
  prefix.set(fused, textRows * H);
  prefix.set(rows(textRows, ids.length - 1), (textRows + speech.tokens) * H);
  // The text rows keep their token ids, so the next turn reuses their cache; the speech rows never match.
  const rowIds = [...head, ...history, ...new Array<number>(speech.tokens).fill(SPEECH_ROW_ID), ...suffix.slice(0, -1)];
  const generateStartMs = performance.now();
  const reply = await engine.generateFromEmbeds(
    { embeds: prefix, hiddenSize: H, rowIds, lastTokenId },
    { maxNewTokens: settings.maxNewTokens, onToken: onText, ...(settings.forcedReply === undefined ? {} : { forcedText: settings.forcedReply }), ...(signal ? { signal } : {}) },
  );
  return {
    text: reply.text,
    stopReason: reply.stopReason,
    prompt: { tokens: reply.promptTokens, prefilledTokens: reply.prefilledTokens, budgetTokens, droppedTurns: plan.droppedTurns },
    timingsMs: {
      ...reply.timingsMs,
      promptBuild: embedStartMs - startMs,
      embed: crossStartMs - embedStartMs,
      crossAttention: crossEndMs - crossStartMs,
      firstToken: generateStartMs - startMs + reply.timingsMs.firstToken,
      total: performance.now() - startMs,
    },
  };
}
