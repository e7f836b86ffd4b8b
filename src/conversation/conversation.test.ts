import { describe, expect, it } from 'vitest';
import type { Turn } from '../turns/turn';
import { ALL_CUES_ON } from './affectCues';
import { Conversation, DEFAULT_MAX_PROMPT_TOKENS, type ConversationEvent, type Replier, type ReplySettings, type SpeechEncoderPort, type SpeechVectorsResult, type Transcriber } from './conversation';
import { userTurns, type Dialogue } from './dialogue';

const SETTINGS: ReplySettings = { cues: ALL_CUES_ON, affectCuesInPrompt: true, tauDb: 3, maxNewTokens: 64, maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS, answerPath: 'text', dualAttention: true, crossAttention: true };

/** A 2 s turn whose frames all sit at the given energy. */
function turnAt(index: number, energyDb: number): Turn {
  const frames = 200;
  const energy = new Float32Array(frames).fill(10 ** (energyDb / 10));
  return {
    index, startMs: index * 5000, endMs: index * 5000 + 2000, paddedStartMs: index * 5000 - 200, paddedEndMs: index * 5000 + 2000,
    pcm16k: new Float32Array(32_000).fill(index), nMels: 80, frameCount: frames, logMel: new Float32Array(80 * frames), energy,
    speechFrames: new Uint8Array(frames).fill(1), energyMean: 10 ** (energyDb / 10), energyDb, endReason: 'silence', decidedAtMs: index * 5000 + 2500,
  };
}

/** Transcripts by the turn's sample value (the test fills each turn's PCM with its index). */
function transcriber(texts: string[]): Transcriber {
  return { transcribe: async ({ pcm16k }) => ({ text: texts[pcm16k[0]!] ?? '', timingsMs: { encoder: 1 } }) };
}

/** Streams its words one by one, a macrotask apart, stopping when aborted. */
class WordReplier implements Replier {
  readonly prompts: Dialogue[] = [];
  constructor(private readonly words: string[], private readonly failAfter?: number) {}
  readonly speech: (SpeechVectorsResult | null)[] = [];
  async reply(dialogue: Dialogue, _settings: ReplySettings, onText: (d: string) => void, signal: AbortSignal, speech: SpeechVectorsResult | null): ReturnType<Replier['reply']> {
    this.prompts.push(dialogue);
    this.speech.push(speech);
    let text = '';
    for (const [i, word] of this.words.entries()) {
      if (signal.aborted) return { text, stopReason: 'cancelled' as const, prompt: null, timingsMs: {} };
      if (i === this.failAfter) throw new Error('device lost');
      await new Promise((resolve) => setTimeout(resolve, 2));
      onText(word);
      text += word;
    }
    return { text, stopReason: 'eos' as const, prompt: { tokens: 40, prefilledTokens: 40, budgetTokens: 1000, droppedTurns: 0 }, timingsMs: { total: 5 } };
  }
}

function record(): { events: ConversationEvent[]; emit: (e: ConversationEvent) => void } {
  const events: ConversationEvent[] = [];
  return { events, emit: (event) => events.push(event) };
}

describe('Conversation', () => {
  it('transcribes a turn, then streams a reply into the dialogue', async () => {
    const replier = new WordReplier(['I ', 'hear ', 'you.']);
    const { events, emit } = record();
    const conversation = new Conversation(transcriber(['I had a really long day at work today.']), replier, () => SETTINGS, emit);
    await conversation.handleTurn(turnAt(0, -20));
    await conversation.settled();
    expect(events.map((e) => e.type)).toEqual(['transcribing', 'userTurn', 'replyStarted', 'replyRouted', 'replyText', 'replyText', 'replyText', 'replyEnded']);
    const [user, assistant] = conversation.current.turns;
    expect(user).toMatchObject({ kind: 'user', transcript: 'I had a really long day at work today.', strategy: 'neutral', deltaDb: null });
    expect(assistant).toMatchObject({ kind: 'assistant', text: 'I hear you.', interrupted: false, failed: false });
    // The replier sees the dialogue up to the user's turn, not the reply being written.
    expect(replier.prompts[0]!.turns.at(-1)?.kind).toBe('user');
  });

  it('derives the strategy from the energy trajectory', async () => {
    const conversation = new Conversation(transcriber(['one two three', 'four five six', 'seven eight nine']), new WordReplier(['ok']), () => SETTINGS, () => {});
    for (const [index, db] of [0, -6, -12].entries()) await conversation.handleTurn(turnAt(index, db));
    await conversation.settled();
    const third = userTurns(conversation.current)[2]!;
    // -12 - mean(0, -6) = -9 dB
    expect(third.deltaDb).toBeCloseTo(-9, 6);
    expect(third.strategy).toBe('comfort');
  });

  it('cancels a reply when the next turn arrives, keeping it as interrupted', async () => {
    const words = Array.from({ length: 50 }, (_, i) => `w${i} `);
    const conversation = new Conversation(transcriber(['first thing I said here', 'second thing I said']), new WordReplier(words), () => SETTINGS, () => {});
    await conversation.handleTurn(turnAt(0, -20));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await conversation.handleTurn(turnAt(1, -20));
    await conversation.settled();
    const [, firstReply, , secondReply] = conversation.current.turns;
    expect(firstReply).toMatchObject({ kind: 'assistant', interrupted: true });
    expect((firstReply as { text: string }).text.length).toBeGreaterThan(0);
    expect((firstReply as { text: string }).text.split(' ').length).toBeLessThan(50);
    expect(secondReply).toMatchObject({ kind: 'assistant', interrupted: false, text: words.join('') });
  });

  it('asks to repeat an empty transcript without calling the model', async () => {
    const replier = new WordReplier(['never']);
    const conversation = new Conversation(transcriber(['']), replier, () => SETTINGS, () => {});
    await conversation.handleTurn(turnAt(0, -20));
    await conversation.settled();
    expect(replier.prompts).toHaveLength(0);
    expect(conversation.current.turns[1]).toMatchObject({ kind: 'assistant', failed: false });
    expect((conversation.current.turns[1] as { text: string }).text).toMatch(/again|repeat/i);
  });

  it('ends a failing reply with a notice and goes on with the next turn', async () => {
    const { events, emit } = record();
    const conversation = new Conversation(transcriber(['something I said', 'and then more']), new WordReplier(['a ', 'b ', 'c'], 1), () => SETTINGS, emit);
    await conversation.handleTurn(turnAt(0, -20));
    await conversation.settled();
    const ended = events.find((e) => e.type === 'replyEnded');
    expect(ended).toMatchObject({ outcome: 'failed', notice: 'The reply stopped: device lost' });
    expect(conversation.current.turns[1]).toMatchObject({ text: 'a ', failed: true });
    await conversation.handleTurn(turnAt(1, -20));
    expect(userTurns(conversation.current)).toHaveLength(2);
  });
});

describe('Conversation barge-in', () => {
  it('marks a reply interrupted when the user cuts in while it is spoken, even after it was fully written', async () => {
    const { events, emit } = record();
    const conversation = new Conversation(transcriber(['tell me something please']), new WordReplier(['Sure, ', 'here it is.']), () => SETTINGS, emit);
    await conversation.handleTurn(turnAt(0, -20));
    await conversation.settled();
    const reply = conversation.current.turns[1]!;
    expect(reply).toMatchObject({ interrupted: false, text: 'Sure, here it is.' });
    await conversation.bargeIn(reply.id);
    expect(conversation.current.turns[1]).toMatchObject({ interrupted: true, streaming: false, text: 'Sure, here it is.' });
    expect(events.at(-1)).toMatchObject({ type: 'replyEnded', outcome: 'interrupted' });
  });

  it('cuts only the reply it names: a barge-in on an older reply that lands once the next is writing leaves the next alone', async () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${i} `);
    const conversation = new Conversation(transcriber(['first thing I said here', 'second thing I said']), new WordReplier(words), () => SETTINGS, () => {});
    await conversation.handleTurn(turnAt(0, -20));
    await conversation.settled();
    const older = conversation.current.turns[1]!;
    await conversation.handleTurn(turnAt(1, -20));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await conversation.bargeIn(older.id);
    await conversation.settled();
    const [, olderReply, , newerReply] = conversation.current.turns;
    expect(olderReply).toMatchObject({ interrupted: true, text: words.join('') });
    expect(newerReply).toMatchObject({ interrupted: false, text: words.join('') });
  });
});

/** Records the turns it is asked to encode; each call answers one vector per turn. */
class CountingEncoder implements SpeechEncoderPort {
  readonly calls: { frames: number[]; dualAttention: boolean }[] = [];
  constructor(private readonly failWith?: string) {}
  async encode(turns: { frameCount: number }[], { dualAttention }: { dualAttention: boolean }): Promise<SpeechVectorsResult> {
    this.calls.push({ frames: turns.map((t) => t.frameCount), dualAttention });
    if (this.failWith) throw new Error(this.failWith);
    return { data: new Float32Array(turns.length * 4), tokens: turns.length, hidden: 4, turnsUsed: turns.length, timingsMs: { speechFront: 1 } };
  }
}

describe('Conversation on the speech path', () => {
  const SPEECH: ReplySettings = { ...SETTINGS, answerPath: 'speech', dualAttention: false, crossAttention: true };

  it('encodes every user turn so far and hands the vectors to the replier, recording the route', async () => {
    const encoder = new CountingEncoder();
    const replier = new WordReplier(['ok']);
    const { events, emit } = record();
    const conversation = new Conversation(transcriber(['one two three', 'four five six']), replier, () => SPEECH, emit, () => ({ available: true, encoder }));
    await conversation.handleTurn(turnAt(0, -20));
    await conversation.settled();
    await conversation.handleTurn(turnAt(1, -20));
    await conversation.settled();
    expect(encoder.calls).toEqual([{ frames: [200], dualAttention: false }, { frames: [200, 200], dualAttention: false }]);
    expect(replier.speech.map((s) => s?.tokens)).toEqual([1, 2]);
    const replies = conversation.current.turns.filter((t) => t.kind === 'assistant');
    expect(replies.map((r) => r.route)).toEqual([
      { path: 'speech', dualAttention: false, crossAttention: true, speechTokens: 1, fallbackReason: null },
      { path: 'speech', dualAttention: false, crossAttention: true, speechTokens: 2, fallbackReason: null },
    ]);
    const ended = events.filter((e) => e.type === 'replyEnded');
    expect(ended[0]).toMatchObject({ timingsMs: { speechFront: 1, total: 5 } });
  });

  it('answers on the text path, saying why, when the speech path is unavailable or fails', async () => {
    const replier = new WordReplier(['ok']);
    const unavailable = new Conversation(transcriber(['one two three']), replier, () => SPEECH, () => {}, () => ({ available: false, reason: 'no ES4R component' }));
    await unavailable.handleTurn(turnAt(0, -20));
    await unavailable.settled();
    expect(unavailable.current.turns.at(-1)).toMatchObject({ text: 'ok', route: { path: 'text', speechTokens: null, fallbackReason: 'no ES4R component' } });
    expect(replier.speech).toEqual([null]);

    const failing = new Conversation(transcriber(['one two three']), new WordReplier(['ok']), () => SPEECH, () => {}, () => ({ available: true, encoder: new CountingEncoder('wasm out of memory') }));
    await failing.handleTurn(turnAt(0, -20));
    await failing.settled();
    expect(failing.current.turns.at(-1)).toMatchObject({ text: 'ok', route: { path: 'text', fallbackReason: 'the speech path failed: wasm out of memory' } });
  });

  it('"auto" takes the speech path where the pack has one, and the text path without calling it a fallback where it has none', async () => {
    const AUTO: ReplySettings = { ...SPEECH, answerPath: 'auto' };
    const encoder = new CountingEncoder();
    const withSpeech = new Conversation(transcriber(['one two three']), new WordReplier(['ok']), () => AUTO, () => {}, () => ({ available: true, encoder }));
    await withSpeech.handleTurn(turnAt(0, -20));
    await withSpeech.settled();
    expect(withSpeech.current.turns.at(-1)).toMatchObject({ route: { path: 'speech', speechTokens: 1, fallbackReason: null } });

    const absent = new Conversation(transcriber(['one two three']), new WordReplier(['ok']), () => AUTO, () => {}, () => ({ available: false, reason: 'the pack has no ES4R component', absent: true }));
    await absent.handleTurn(turnAt(0, -20));
    await absent.settled();
    expect(absent.current.turns.at(-1)).toMatchObject({ route: { path: 'text', fallbackReason: null } });

    const broken = new Conversation(transcriber(['one two three']), new WordReplier(['ok']), () => AUTO, () => {}, () => ({ available: false, reason: 'the ES4R graphs failed to load' }));
    await broken.handleTurn(turnAt(0, -20));
    await broken.settled();
    expect(broken.current.turns.at(-1)).toMatchObject({ route: { path: 'text', fallbackReason: 'the ES4R graphs failed to load' } });
  });

  it('the text path setting never asks the encoder', async () => {
    const encoder = new CountingEncoder();
    const conversation = new Conversation(transcriber(['one two three']), new WordReplier(['ok']), () => SETTINGS, () => {}, () => ({ available: true, encoder }));
    await conversation.handleTurn(turnAt(0, -20));
    await conversation.settled();
    expect(encoder.calls).toEqual([]);
    expect(conversation.current.turns.at(-1)).toMatchObject({ route: { path: 'text', fallbackReason: null } });
  });

  it('keeps the speech turns bounded (only those that can reach Whisper) and forgets them on reset', async () => {
    const encoder = new CountingEncoder();
    const conversation = new Conversation(transcriber(Array.from({ length: 12 }, () => 'one two three')), new WordReplier(['ok']), () => SPEECH, () => {}, () => ({ available: true, encoder }));
    for (let i = 0; i < 12; i++) {
      // 30 s turns: the raw front holds one (3000 frames), the padded front two (2 x 375 subsampled frames <= 1000).
      await conversation.handleTurn({ ...turnAt(i, -20), frameCount: 3000, logMel: new Float32Array(80 * 3000) });
      await conversation.settled();
    }
    expect(encoder.calls.map((call) => call.frames.length)).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    await conversation.reset();
    await conversation.handleTurn(turnAt(0, -20));
    await conversation.settled();
    expect(encoder.calls.at(-1)!.frames).toEqual([200]);
  });
});

