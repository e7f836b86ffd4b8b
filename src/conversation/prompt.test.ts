import { describe, expect, it } from 'vitest';
import { ALL_CUES_ON, type AffectCues } from './affectCues';
import { appendAssistantTurn, appendUserTurn, newDialogue, type Dialogue } from './dialogue';
import {
  ASK_TO_REPEAT_REPLIES,
  STRATEGY_GUIDANCE,
  buildHistoryPrefix,
  buildReplyPlan,
  systemPrompt,
  type ReplyOptions,
  type ReplyPlan,
} from './prompt';
import type { Strategy } from './strategy';

const options: ReplyOptions = {
  cues: ALL_CUES_ON,
  affectCuesInPrompt: true,
  tauDb: 3,
  budgetTokens: 10_000,
  countPromptTokens: (messages) => messages.reduce((sum, message) => sum + message.content.length, 0),
};

const calmCues: AffectCues = {
  wordCount: 7,
  wordsPerSecond: 2.5,
  relativeEnergyDb: null,
  pauseCount: 0,
  longestPauseMs: 0,
  strategy: 'neutral',
  deltaDb: null,
};

/** The second turn: much quieter, slow, one long pause; comfort. */
const sadCues: AffectCues = {
  wordCount: 13,
  wordsPerSecond: 1.4,
  relativeEnergyDb: -9,
  pauseCount: 1,
  longestPauseMs: 1200,
  strategy: 'comfort',
  deltaDb: -9,
};

function user(dialogue: Dialogue, transcript: string, cues: AffectCues, durationMs = 3000, strategy: Strategy = cues.strategy): Dialogue {
  return appendUserTurn(dialogue, { transcript, startMs: 0, endMs: durationMs, energyDb: 60, strategy, deltaDb: cues.deltaDb, cues });
}

function twoTurnDialogue(): Dialogue {
  let dialogue = user(newDialogue(), ' I had a rough day at work. ', calmCues);
  dialogue = appendAssistantTurn(dialogue, { text: 'That sounds hard. What happened?' });
  return user(dialogue, 'My boss yelled at me in front of everyone and I just froze.', sadCues, 9300);
}

function messagesOf(plan: ReplyPlan): { role: string; content: string }[] {
  if (plan.kind !== 'generate') throw new Error(`expected generate, got ${plan.kind}`);
  return plan.messages;
}

const lastContent = (plan: ReplyPlan): string => messagesOf(plan).at(-1)!.content;

describe('buildReplyPlan: messages', () => {
  it('builds system, history and the latest turn with its cue note for a 2-turn dialogue', () => {
    const plan = buildReplyPlan(twoTurnDialogue(), options);
    expect(plan).toMatchObject({ kind: 'generate', droppedTurns: 0, overBudget: false });
    expect(messagesOf(plan)).toEqual([
      { role: 'system', content: systemPrompt(true) },
      { role: 'user', content: 'I had a rough day at work.' },
      { role: 'assistant', content: 'That sounds hard. What happened?' },
      {
        role: 'user',
        content:
          'My boss yelled at me in front of everyone and I just froze.\n\n' +
          "[The user's voice has become much quieter than earlier in the conversation (-9 dB). " +
          'They are speaking slowly (1.4 words per second). ' +
          'They made a long pause while speaking (1.2 s). ' +
          'Reply in a comforting way: gentle, calm and reassuring, at an unhurried pace.]',
      },
    ]);
  });

  it('has a system prompt for a spoken empathetic listener', () => {
    const prompt = systemPrompt(true);
    for (const phrase of ['acknowledge how they seem to feel', 'specific things they said', 'one to three short sentences', 'Never sound clinical', 'lists, markdown, emojis', '[interrupted]', 'square brackets']) {
      expect(prompt).toContain(phrase);
    }
    expect(systemPrompt(false)).not.toContain('square brackets');
  });

  it('words each strategy', () => {
    expect(STRATEGY_GUIDANCE.comfort).toMatch(/gentle.*reassuring.*unhurried/);
    expect(STRATEGY_GUIDANCE.encourage).toMatch(/warm, upbeat and affirming/);
    expect(STRATEGY_GUIDANCE.neutral).toMatch(/natural/);
    const latest = (strategy: Strategy): string =>
      lastContent(buildReplyPlan(user(newDialogue(), 'I got the job I wanted!', { ...calmCues, strategy }), options));
    expect(latest('encourage')).toBe(`I got the job I wanted!\n\n[${STRATEGY_GUIDANCE.encourage}]`);
    expect(latest('neutral')).toBe(`I got the job I wanted!\n\n[${STRATEGY_GUIDANCE.neutral}]`);
  });

  it('removes exactly the switched-off cue sentence from the note', () => {
    const sentences = {
      relativeEnergy: "The user's voice has become much quieter than earlier in the conversation (-9 dB).",
      speakingRate: 'They are speaking slowly (1.4 words per second).',
      pauses: 'They made a long pause while speaking (1.2 s).',
      strategy: STRATEGY_GUIDANCE.comfort,
    };
    const transcript = 'My boss yelled at me in front of everyone and I just froze.';
    for (const cue of Object.keys(sentences) as (keyof typeof sentences)[]) {
      const kept = Object.entries(sentences).filter(([name]) => name !== cue).map(([, sentence]) => sentence);
      const without = lastContent(buildReplyPlan(twoTurnDialogue(), { ...options, cues: { ...ALL_CUES_ON, [cue]: false } }));
      expect(without).toBe(`${transcript}\n\n[${kept.join(' ')}]`);
    }
  });

  it('leaves cues and the note explanation out when affect cues are off, and when every cue is off', () => {
    const plain = messagesOf(buildReplyPlan(twoTurnDialogue(), { ...options, affectCuesInPrompt: false }));
    expect(plain[0]!.content).toBe(systemPrompt(false));
    expect(plain.at(-1)!.content).toBe('My boss yelled at me in front of everyone and I just froze.');
    const allOff = { strategy: false, relativeEnergy: false, speakingRate: false, pauses: false };
    expect(lastContent(buildReplyPlan(twoTurnDialogue(), { ...options, cues: allOff }))).toBe(
      'My boss yelled at me in front of everyone and I just froze.',
    );
  });

  it('marks cut-off replies and merges user turns around a reply that never started', () => {
    let dialogue = user(newDialogue(), 'I want to tell you something.', calmCues);
    dialogue = appendAssistantTurn(dialogue, { text: 'Of course, I am', interrupted: true });
    dialogue = user(dialogue, 'It is about my sister.', calmCues);
    dialogue = appendAssistantTurn(dialogue, { text: '', interrupted: true });
    dialogue = user(dialogue, 'She is moving away.', calmCues);
    const plan = buildReplyPlan(dialogue, { ...options, affectCuesInPrompt: false });
    expect(messagesOf(plan).slice(1)).toEqual([
      { role: 'user', content: 'I want to tell you something.' },
      { role: 'assistant', content: 'Of course, I am [interrupted]' },
      { role: 'user', content: 'It is about my sister.\nShe is moving away.' },
    ]);
  });

  it('leaves an earlier unintelligible turn out together with the ask-to-repeat reply', () => {
    let dialogue = user(newDialogue(), '...', calmCues);
    dialogue = appendAssistantTurn(dialogue, { text: ASK_TO_REPEAT_REPLIES[0]! });
    dialogue = user(dialogue, 'I said I feel lonely lately.', calmCues);
    const messages = messagesOf(buildReplyPlan(dialogue, { ...options, affectCuesInPrompt: false }));
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('trims the oldest turns to the token budget', () => {
    const full = buildReplyPlan(twoTurnDialogue(), options);
    const fullTokens = messagesOf(full).reduce((sum, m) => sum + m.content.length, 0);
    const trimmed = buildReplyPlan(twoTurnDialogue(), { ...options, budgetTokens: fullTokens - 1 });
    expect(trimmed).toMatchObject({ droppedTurns: 1, overBudget: false });
    expect(messagesOf(trimmed).map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('requires the latest turn to be a user turn', () => {
    expect(() => buildReplyPlan(appendAssistantTurn(twoTurnDialogue(), { text: 'Hi' }), options)).toThrow(RangeError);
    expect(() => buildReplyPlan(newDialogue(), options)).toThrow(RangeError);
  });
});

describe('buildHistoryPrefix', () => {
  it('is the next prompt without its new user message: the messages before it, word for word', () => {
    const answered = appendAssistantTurn(twoTurnDialogue(), { text: 'I am sorry he did that.' });
    const prefix = buildHistoryPrefix(answered, options);
    const next = messagesOf(buildReplyPlan(user(answered, 'I still feel shaky.', calmCues), options));
    expect(prefix).toEqual(next.slice(0, -1));
    expect(prefix!.at(-1)).toEqual({ role: 'assistant', content: 'I am sorry he did that.' });
  });

  it('is null when the dialogue does not end with a reply the history keeps', () => {
    expect(buildHistoryPrefix(twoTurnDialogue(), options)).toBeNull();
    // An empty cut-off reply: the next user turn merges into the last user message.
    expect(buildHistoryPrefix(appendAssistantTurn(twoTurnDialogue(), { text: '', interrupted: true }), options)).toBeNull();
  });

  it('leaves out the oldest turns the last prompt left out', () => {
    const dialogue = appendAssistantTurn(twoTurnDialogue(), { text: 'I am sorry he did that.' });
    const fullTokens = buildHistoryPrefix(dialogue, options)!.reduce((sum, m) => sum + m.content.length, 0);
    const trimmed = buildHistoryPrefix(dialogue, { ...options, budgetTokens: fullTokens - 1 });
    expect(trimmed!.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(trimmed![1]!.content).toMatch(/^My boss yelled/u);
  });
});

describe('buildReplyPlan: ask to repeat', () => {
  const quietCues: AffectCues = { ...calmCues, wordCount: 2, relativeEnergyDb: -12 };

  it.each(['', '   ', '...', ' ?! ', '[BLANK_AUDIO]', '(music)'])('asks to repeat for %j', (transcript) => {
    expect(buildReplyPlan(user(newDialogue(), transcript, calmCues), options)).toEqual({
      kind: 'askToRepeat',
      text: ASK_TO_REPEAT_REPLIES[0],
    });
  });

  it('treats " Thank you." on a 0.4 s quiet turn as a silence hallucination', () => {
    const first = user(newDialogue(), 'Hello.', calmCues);
    const dialogue = user(first, ' Thank you.', quietCues, 400);
    expect(buildReplyPlan(dialogue, options)).toEqual({ kind: 'askToRepeat', text: ASK_TO_REPEAT_REPLIES[1] });
  });

  it('treats a known phrase as a hallucination on a short turn or a very quiet turn alone', () => {
    expect(buildReplyPlan(user(newDialogue(), 'Thanks for watching!', calmCues, 450), options).kind).toBe('askToRepeat');
    expect(buildReplyPlan(user(newDialogue(), 'Thank you.', { ...calmCues, relativeEnergyDb: -10 }, 900), options).kind).toBe(
      'askToRepeat',
    );
  });

  it('keeps a real "Thank you." of normal length and loudness', () => {
    const plan = buildReplyPlan(user(newDialogue(), ' Thank you.', { ...calmCues, relativeEnergyDb: -2 }, 900), options);
    expect(plan.kind).toBe('generate');
  });

  it('picks the variant by user turn index', () => {
    let dialogue = newDialogue();
    const texts: string[] = [];
    for (let k = 0; k < 4; k++) {
      dialogue = user(dialogue, '', calmCues);
      const plan = buildReplyPlan(dialogue, options);
      if (plan.kind !== 'askToRepeat') throw new Error('expected askToRepeat');
      texts.push(plan.text);
      dialogue = appendAssistantTurn(dialogue, { text: plan.text });
    }
    expect(texts).toEqual([ASK_TO_REPEAT_REPLIES[0], ASK_TO_REPEAT_REPLIES[1], ASK_TO_REPEAT_REPLIES[2], ASK_TO_REPEAT_REPLIES[0]]);
  });
});
