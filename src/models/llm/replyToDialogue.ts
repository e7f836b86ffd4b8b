import type { ReplierResult, ReplySettings } from '../../conversation/conversation';
import type { Dialogue } from '../../conversation/dialogue';
import { buildReplyPlan } from '../../conversation/prompt';
import type { ReplyEngine } from './replyEngine';
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
  const reply = await engine.generate(plan.messages, { maxNewTokens: settings.maxNewTokens, onToken: onText, ...(signal ? { signal } : {}) });
  return {
    text: reply.text,
    stopReason: reply.stopReason,
    prompt: { tokens: reply.promptTokens, budgetTokens, droppedTurns: plan.droppedTurns },
    timingsMs: reply.timingsMs as unknown as Record<string, number>,
  };
}
