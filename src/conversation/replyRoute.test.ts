import { describe, expect, it } from 'vitest';
import { describePrompt, describeRoute } from './replyRoute';

describe('describeRoute / describePrompt', () => {
  it('names the path, the blocks and the speech vectors', () => {
    expect(describeRoute(null)).toBe('fixed reply');
    expect(describeRoute({ path: 'text', dualAttention: false, crossAttention: false, speechTokens: null, fallbackReason: 'no es4r component' })).toBe('text path (no es4r component)');
    expect(describeRoute({ path: 'speech', dualAttention: true, crossAttention: false, speechTokens: 12, fallbackReason: null })).toBe('speech path (dual-level attention, no cross-attention; 12 speech vectors)');
  });

  it('gives the prompt against its budget, the tokens run anew, and the turns left out only when some were', () => {
    expect(describePrompt({ tokens: 412, prefilledTokens: 37, budgetTokens: 1920, droppedTurns: 0 })).toBe('prompt 412 of 1920 tokens, 37 new');
    expect(describePrompt({ tokens: 500, prefilledTokens: 500, budgetTokens: 512, droppedTurns: 1 })).toBe('prompt 500 of 512 tokens, 500 new (1 oldest turn left out)');
    expect(describePrompt({ tokens: 509, prefilledTokens: 60, budgetTokens: 512, droppedTurns: 7 })).toBe('prompt 509 of 512 tokens, 60 new (7 oldest turns left out)');
  });
});
