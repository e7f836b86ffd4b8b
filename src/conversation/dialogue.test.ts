import { describe, expect, it } from 'vitest';
import type { AffectCues } from './affectCues';
import {
  appendAssistantText,
  appendAssistantTurn,
  appendUserTurn,
  finishAssistantTurn,
  newDialogue,
  setReplyRoute,
  startAssistantTurn,
  trimToBudget,
  userTurns,
  type ChatMessage,
} from './dialogue';

const cues: AffectCues = {
  wordCount: 2,
  wordsPerSecond: 2,
  relativeEnergyDb: null,
  pauseCount: 0,
  longestPauseMs: 0,
  strategy: 'neutral',
  deltaDb: null,
};
const userInput = { transcript: 'Hello there', startMs: 1000, endMs: 2000, energyDb: 60, strategy: 'neutral' as const, deltaDb: null, cues };

describe('dialogue history', () => {
  it('appends turns immutably with increasing ids and a derived duration', () => {
    const empty = newDialogue();
    const one = appendUserTurn(empty, { ...userInput, endMs: 2500 });
    const two = appendAssistantTurn(one, { text: 'Hi!' });
    expect(empty.turns).toHaveLength(0);
    expect(one.turns).toHaveLength(1);
    expect(two.turns.map((t) => t.id)).toEqual([0, 1]);
    expect(userTurns(two)[0]).toMatchObject({ kind: 'user', durationMs: 1500, transcript: 'Hello there' });
    expect(two.turns[1]).toEqual({ kind: 'assistant', id: 1, text: 'Hi!', interrupted: false, failed: false, streaming: false, route: null, prompt: null });
  });

  it('rejects a turn that ends before it starts', () => {
    expect(() => appendUserTurn(newDialogue(), { ...userInput, endMs: 500 })).toThrow(RangeError);
  });

  it('streams a reply, drops text after it was finished, and keeps the first outcome', () => {
    const started = startAssistantTurn(appendUserTurn(newDialogue(), userInput));
    let dialogue = appendAssistantText(started.dialogue, started.id, 'That sounds ');
    dialogue = appendAssistantText(dialogue, started.id, 'hard.');
    expect(dialogue.turns[1]).toMatchObject({ text: 'That sounds hard.', streaming: true });
    dialogue = finishAssistantTurn(dialogue, started.id, 'interrupted', { tokens: 80, prefilledTokens: 80, budgetTokens: 512, droppedTurns: 0 });
    const afterLateTokens = finishAssistantTurn(appendAssistantText(dialogue, started.id, ' More.'), started.id, 'complete', { tokens: 99, prefilledTokens: 99, budgetTokens: 512, droppedTurns: 1 });
    expect(afterLateTokens).toBe(dialogue);
    expect(dialogue.turns[1]).toEqual({
      kind: 'assistant',
      id: 1,
      text: 'That sounds hard.',
      interrupted: true,
      failed: false,
      streaming: false,
      route: null,
      prompt: { tokens: 80, prefilledTokens: 80, budgetTokens: 512, droppedTurns: 0 },
    });
    expect(started.dialogue.turns[1]).toMatchObject({ text: '' });
  });

  it('records the route of a streaming reply, not of a finished one', () => {
    const started = startAssistantTurn(appendUserTurn(newDialogue(), userInput));
    const route = { path: 'speech', dualAttention: true, crossAttention: false, speechTokens: 7, fallbackReason: null } as const;
    const routed = setReplyRoute(started.dialogue, started.id, route);
    expect(routed.turns[1]).toMatchObject({ route, streaming: true });
    const finished = finishAssistantTurn(routed, started.id, 'complete');
    expect(setReplyRoute(finished, started.id, { ...route, speechTokens: 9 })).toBe(finished);
  });

  it('marks a failed reply and rejects unknown ids', () => {
    const started = startAssistantTurn(newDialogue());
    expect(finishAssistantTurn(started.dialogue, started.id, 'failed').turns[0]).toMatchObject({ failed: true, interrupted: false });
    expect(() => appendAssistantText(started.dialogue, 42, 'x')).toThrow(RangeError);
  });
});

describe('trimToBudget', () => {
  // Every content is 10 characters and countTokens counts characters: 10 tokens a message, no template.
  const system: ChatMessage = { role: 'system', content: 'S'.repeat(10) };
  const chat: ChatMessage[] = [
    system,
    { role: 'user', content: 'u1'.padEnd(10, '.') },
    { role: 'assistant', content: 'a1'.padEnd(10, '.') },
    { role: 'user', content: 'u2'.padEnd(10, '.') },
    { role: 'assistant', content: 'a2'.padEnd(10, '.') },
    { role: 'user', content: 'u3'.padEnd(10, '.') },
  ];
  const countTokens = (messages: readonly ChatMessage[]): number => messages.reduce((sum, message) => sum + message.content.length, 0);
  const heads = (messages: readonly ChatMessage[]): string[] => messages.map((m) => m.content.slice(0, 2));

  it('keeps everything when it fits', () => {
    expect(trimToBudget(chat, countTokens, 60)).toEqual({ messages: chat, droppedTurns: 0, tokens: 60, overBudget: false });
  });

  it('drops the oldest user turn together with its reply, never half of it', () => {
    // 60 > 59: dropping u1 alone would give 50, but the pair goes: 40.
    const trimmed = trimToBudget(chat, countTokens, 59);
    expect(heads(trimmed.messages)).toEqual(['SS', 'u2', 'a2', 'u3']);
    expect(trimmed).toMatchObject({ droppedTurns: 1, tokens: 40, overBudget: false });
  });

  it('drops pairs oldest first down to system + latest user turn', () => {
    const trimmed = trimToBudget(chat, countTokens, 20);
    expect(heads(trimmed.messages)).toEqual(['SS', 'u3']);
    expect(trimmed).toMatchObject({ droppedTurns: 2, tokens: 20, overBudget: false });
  });

  it('keeps system + latest user turn even when they alone exceed the budget, and says so', () => {
    const trimmed = trimToBudget(chat, countTokens, 15);
    expect(heads(trimmed.messages)).toEqual(['SS', 'u3']);
    expect(trimmed).toMatchObject({ droppedTurns: 2, tokens: 20, overBudget: true });
  });

  it("counts the chat template's own tokens: the whole prompt must fit", () => {
    // 4 template tokens a message: 14 a message, the full chat 84.
    const withTemplate = (messages: readonly ChatMessage[]): number => countTokens(messages) + 4 * messages.length;
    expect(trimToBudget(chat, withTemplate, 84)).toMatchObject({ droppedTurns: 0, tokens: 84 });
    // Contents alone (60) would fit 70; with the template system + u2..u3 (56) would, but once turns must go they go
    // down to 3/4 of the budget (52): system + u3 (28).
    expect(trimToBudget(chat, withTemplate, 70)).toMatchObject({ droppedTurns: 2, tokens: 28, overBudget: false });
  });

  describe('across turns, so that the KV cache keeps the prompt\'s start', () => {
    const exchange = (k: number): ChatMessage[] => [
      { role: 'user', content: `u${k}`.padEnd(10, '.') },
      { role: 'assistant', content: `a${k}`.padEnd(10, '.') },
    ];
    const latest = (k: number): ChatMessage => ({ role: 'user', content: `u${k}`.padEnd(10, '.') });
    // system + 4 exchanges + u5 = 100 tokens; one more turn adds a5 + u6 = 120.
    const turn5 = [system, ...exchange(1), ...exchange(2), ...exchange(3), ...exchange(4), latest(5)];
    const turn6 = [system, ...exchange(1), ...exchange(2), ...exchange(3), ...exchange(4), ...exchange(5), latest(6)];

    it('drops down to three quarters of the budget when it must drop, not just under it', () => {
      // Dropping one exchange (80) would fit 95; the low-water mark (71) drops two: 60.
      expect(trimToBudget(turn5, countTokens, 95)).toMatchObject({ droppedTurns: 2, tokens: 60 });
    });

    it('keeps the last reply\'s dropped turns dropped while the prompt fits, whatever fewer would fit', () => {
      const next = trimToBudget(turn6, countTokens, 95, 2);
      expect(heads(next.messages).slice(0, 3)).toEqual(['SS', 'u3', 'a3']);
      expect(next).toMatchObject({ droppedTurns: 2, tokens: 80 });
      // Without the memory of the last turn, dropping 3 would reach the low-water mark and change the prompt's start.
      expect(trimToBudget(turn6, countTokens, 95)).toMatchObject({ droppedTurns: 3, tokens: 60 });
    });

    it('brings every turn back when the whole prompt fits again (a larger budget)', () => {
      expect(trimToBudget(turn6, countTokens, 120, 2)).toMatchObject({ droppedTurns: 0, tokens: 120 });
    });
  });

  it('finds the fewest turns to drop in a long history, measuring the prompt a logarithmic number of times', () => {
    const long: ChatMessage[] = [system];
    for (let turn = 0; turn < 64; turn++) long.push({ role: 'user', content: `u${turn}`.padEnd(10, '.') }, { role: 'assistant', content: `a${turn}`.padEnd(10, '.') });
    long.push({ role: 'user', content: 'latest....' });
    let calls = 0;
    const counted = (messages: readonly ChatMessage[]) => {
      calls++;
      return countTokens(messages);
    };
    // 10 (system) + 20 per kept turn + 10 (latest) <= 318 (3/4 of 425): 14 turns kept, 50 dropped.
    const trimmed = trimToBudget(long, counted, 425);
    expect(trimmed).toMatchObject({ droppedTurns: 50, tokens: 300, overBudget: false });
    expect(trimmed.messages[1]!.content).toBe('u50.......');
    // The whole prompt once, then a binary search over 64 turns.
    expect(calls).toBeLessThanOrEqual(8);
  });

  it('works without a system prompt and treats leading assistant messages as the oldest turn', () => {
    const messages: ChatMessage[] = [
      { role: 'assistant', content: 'greeting..' },
      { role: 'user', content: 'u1'.padEnd(10, '.') },
      { role: 'assistant', content: 'a1'.padEnd(10, '.') },
      { role: 'user', content: 'u2'.padEnd(10, '.') },
    ];
    // The greeting alone is the oldest turn: kept out as the last reply's prompt left it out, u1 and its reply stay.
    expect(heads(trimToBudget(messages, countTokens, 35, 1).messages)).toEqual(['u1', 'a1', 'u2']);
    expect(heads(trimToBudget(messages, countTokens, 25).messages)).toEqual(['u2']);
  });
});
