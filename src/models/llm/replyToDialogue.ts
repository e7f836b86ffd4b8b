import type { ReplierResult, ReplySettings } from '../../conversation/conversation';
import type { ChatMessage, Dialogue } from '../../conversation/dialogue';
import { buildHistoryPrefix, buildReplyPlan, systemPrompt } from '../../conversation/prompt';
import type { PrefillResult, ReplyEngine } from './replyEngine';
import type { LlmBundle } from './llmFamily';

/** Used when a config does not say how long a context the model takes. */
const DEFAULT_CONTEXT_TOKENS = 2048;

/** The prompt's token budget: the model's context less the reply's room, capped by the settings (latency, heap). */
export function promptBudgetTokens(bundle: LlmBundle, settings: Pick<ReplySettings, 'maxNewTokens' | 'maxPromptTokens'>): number {
  const config = bundle.model.config as { max_position_embeddings?: number; text_config?: { max_position_embeddings?: number } };
  const contextTokens = config.max_position_embeddings ?? config.text_config?.max_position_embeddings ?? DEFAULT_CONTEXT_TOKENS;
  return Math.max(1, Math.min(settings.maxPromptTokens, contextTokens - settings.maxNewTokens));
}

/**
 * Answers the dialogue's latest user turn: the prompt is built here, beside the tokenizer, so the
 * history is trimmed by exact token counts. Shared by the LLM worker and the Node CLI.
 */
export async function replyToDialogue(
  engine: ReplyEngine,
  bundle: LlmBundle,
  dialogue: Dialogue,
  settings: ReplySettings,
  onText: (textDelta: string) => void,
  signal?: AbortSignal,
): Promise<ReplierResult> {
  const budgetTokens = promptBudgetTokens(bundle, settings);
  const plan = buildReplyPlan(dialogue, { ...settings, budgetTokens, countPromptTokens: (messages) => engine.promptTokens(messages) });
  if (plan.kind === 'askToRepeat') {
    onText(plan.text);
    return { text: plan.text, stopReason: 'eos', prompt: null, timingsMs: {} };
  }
  const reply = await engine.generate(plan.messages, { maxNewTokens: settings.maxNewTokens, onToken: onText, ...(settings.forcedReply === undefined ? {} : { forcedText: settings.forcedReply }), ...(signal ? { signal } : {}) });
  return {
    text: reply.text,
    stopReason: reply.stopReason,
    prompt: { tokens: reply.promptTokens, prefilledTokens: reply.prefilledTokens, budgetTokens, droppedTurns: plan.droppedTurns },
    timingsMs: reply.timingsMs as unknown as Record<string, number>,
  };
}

/**
 * Prefills the system prompt, the start of every prompt of the session, so that the first turn prefills only
 * its own message. Cues on is the app's default; a cue-less session still shares all but the prompt's last sentence.
 */
export function prefillSystemPrompt(engine: ReplyEngine, affectCuesInPrompt = true, signal?: AbortSignal): Promise<PrefillResult> {
  return engine.prefill([{ role: 'system', content: systemPrompt(affectCuesInPrompt) }], { asPrefix: true, ...(signal ? { signal } : {}) });
}

/**
 * Prefills the prompt that replyToDialogue would build for this dialogue, without replying: a reply that follows
 * reuses it; one to a dialogue that changed meanwhile reuses the prefix they share. Null for a turn that gets
 * the fixed ask-to-repeat reply (no prompt). For a dialogue that ends with a reply, the start every next prompt shares
 * (buildHistoryPrefix), prefilled while the user listens and speaks; null when there is none.
 */
export async function prefillDialogue(engine: ReplyEngine, bundle: LlmBundle, dialogue: Dialogue, settings: ReplySettings, signal?: AbortSignal): Promise<PrefillResult | null> {
  const options = { ...settings, budgetTokens: promptBudgetTokens(bundle, settings), countPromptTokens: (messages: readonly ChatMessage[]) => engine.promptTokens(messages) };
  const withSignal = signal ? { signal } : {};
  if (dialogue.turns.at(-1)?.kind === 'assistant') {
    const prefix = buildHistoryPrefix(dialogue, options);
    return prefix ? engine.prefill(prefix, { asPrefix: true, ...withSignal }) : null;
  }
  const plan = buildReplyPlan(dialogue, options);
  if (plan.kind === 'askToRepeat') return null;
  return engine.prefill(plan.messages, withSignal);
}
