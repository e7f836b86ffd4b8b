// How a reply was produced, in words: for the page's captions and the CLI's report alike.
import type { ReplyRoute } from './dialogue';

/** "speech path (dual-level attention, cross-attention; 12 speech vectors)", "text path", "text path (why)". */
export function describeRoute(route: ReplyRoute | null): string {
  if (!route) return 'fixed reply';
  if (route.path === 'text') return route.fallbackReason ? `text path (${route.fallbackReason})` : 'text path';
  const blocks = [route.dualAttention ? 'dual-level attention' : 'no dual-level attention', route.crossAttention ? 'cross-attention' : 'no cross-attention'];
  return `speech path (${blocks.join(', ')}; ${route.speechTokens} speech vectors)`;
}
