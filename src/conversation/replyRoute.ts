// How a reply was produced, in words: for the page's captions and the CLI's report alike.
import type { PromptSize, ReplyRoute } from './dialogue';

/** "speech path (dual-level attention, cross-attention; 12 speech vectors)", "text path", "text path (why)". */
export function describeRoute(route: ReplyRoute | null): string {
  if (!route) return 'fixed reply';
  if (route.path === 'text') return route.fallbackReason ? `text path (${route.fallbackReason})` : 'text path';
  const blocks = [route.dualAttention ? 'dual-level attention' : 'no dual-level attention', route.crossAttention ? 'cross-attention' : 'no cross-attention'];
  return `speech path (${blocks.join(', ')}; ${route.speechTokens} speech vectors)`;
}

/** "prompt 412 of 1920 tokens, 37 new": the rest came from the KV cache; with how many of the oldest turns were left out to fit. */
export function describePrompt(prompt: PromptSize): string {
  const dropped = prompt.droppedTurns > 0 ? ` (${prompt.droppedTurns} oldest turn${prompt.droppedTurns === 1 ? '' : 's'} left out)` : '';
  return `prompt ${prompt.tokens} of ${prompt.budgetTokens} tokens, ${prompt.prefilledTokens} new${dropped}`;
}
