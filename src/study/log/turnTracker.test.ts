import { describe, expect, it } from 'vitest';
import { appendAssistantText, appendUserTurn, finishAssistantTurn, newDialogue, startAssistantTurn, type Dialogue, type ReplyRoute } from '../../conversation/dialogue';
import type { AffectCues } from '../../conversation/affectCues';
import type { TurnSummary } from '../../state/dialogueSlice';
import { TurnTracker, type TrackedState } from './turnTracker';

const SESSION = { studyId: 'pilot', sessionId: 'P001_20261126T062500Z', participantId: 'P001', conditionId: 'es4r-text' };
const T0 = Date.UTC(2026, 10, 26, 6, 25, 0);
const cues = (deltaDb: number | null): AffectCues => ({ wordCount: 4, wordsPerSecond: 2, relativeEnergyDb: deltaDb, pauseCount: 0, longestPauseMs: 0, strategy: 'encourage', deltaDb });
const summary = (number: number, startMs: number, endMs: number, frameEnergyDb: number[]): TurnSummary => ({
  number,
  startMs,
  endMs,
  durationMs: endMs - startMs,
  energyDb: -20,
  endReason: 'silence',
  decidedAtMs: endMs + 500,
  frameEnergyDb,
});
const TEXT_ROUTE: ReplyRoute = { path: 'text', dualAttention: false, crossAttention: false, speechTokens: null, fallbackReason: null };

function withRoute(dialogue: Dialogue, id: number, route: ReplyRoute): Dialogue {
  return { ...dialogue, turns: dialogue.turns.map((turn) => (turn.id === id && turn.kind === 'assistant' ? { ...turn, route } : turn)) };
}

/** Replays one exchange the way the store changes during a conversation, one snapshot per step. */
function exchange() {
  const tracker = new TurnTracker(SESSION, { voice: { strategy: 'neutral', speed: 1, styleSource: 'presets' }, lastTtfaMs: 999 });
  let state: TrackedState = { dialogue: newDialogue(), turns: [], replyTimingsMs: {}, turnTimingsMs: {}, transcribing: false, voice: { strategy: 'neutral', speed: 1, styleSource: 'presets' }, lastTtfaMs: 999 };
  const written: ReturnType<TurnTracker['observe']>[] = [];
  const step = (nowMs: number, patch: Partial<TrackedState>) => {
    state = { ...state, ...patch };
    written.push(tracker.observe(state, { nowMs, wallMs: T0 + nowMs }));
  };
  step(1000, { turns: [summary(1, 500, 2500, [-21, -19.5, -20])], transcribing: true });
  let dialogue = appendUserTurn(newDialogue(), { transcript: 'Hello, how are you?', startMs: 500, endMs: 2500, energyDb: -20, strategy: 'encourage', deltaDb: 4.5, cues: cues(4.5) });
  step(1180, { dialogue, transcribing: false, turnTimingsMs: { 0: { encoder: 90, decoder: 70 } } });
  const started = startAssistantTurn(dialogue);
  dialogue = withRoute(started.dialogue, started.id, TEXT_ROUTE);
  step(1181, { dialogue, voice: { strategy: 'encourage', speed: 1.1, styleSource: 'encoder' } });
  dialogue = appendAssistantText(dialogue, started.id, 'you can do this');
  step(1300, { dialogue });
  dialogue = appendAssistantText(dialogue, started.id, ', one step at a time!');
  step(1350, { dialogue });
  dialogue = finishAssistantTurn(dialogue, started.id, 'complete', { tokens: 212, prefilledTokens: 212, budgetTokens: 1920, droppedTurns: 0 });
  step(1400, { dialogue, replyTimingsMs: { [started.id]: { prefillMs: 40, decodeMs: 160 } } });
  step(1900, { lastTtfaMs: 1400 });
  step(1950, {});
  return { tracker, state, written };
}

describe('TurnTracker', () => {
  it('builds the turn record: transcript, energies, Delta_e, strategy, reply, route, voice and latencies', () => {
    const { tracker, state } = exchange();
    const [record] = tracker.records(state);
    expect(record).toEqual({
      ...SESSION,
      turnNumber: 1,
      heardAt: new Date(T0 + 1180).toISOString(),
      user: {
        transcript: 'Hello, how are you?',
        startMs: 500,
        endMs: 2500,
        durationMs: 2000,
        energyDb: -20,
        frameEnergyDb: [-21, -19.5, -20],
        deltaDb: 4.5,
        strategy: 'encourage',
        cues: cues(4.5),
      },
      reply: {
        text: 'you can do this, one step at a time!',
        outcome: 'complete',
        path: 'text',
        route: TEXT_ROUTE,
        prompt: { tokens: 212, prefilledTokens: 212, budgetTokens: 1920, droppedTurns: 0 },
        startedAt: new Date(T0 + 1181).toISOString(),
        endedAt: new Date(T0 + 1400).toISOString(),
      },
      voice: { strategyPreset: 'encourage', speed: 1.1, styleSource: 'encoder' },
      latenciesMs: { transcription: 180, firstReplyText: 120, reply: 220, firstAudio: 1400, stages: { 'asr.encoder': 90, 'asr.decoder': 70, prefillMs: 40, decodeMs: 160 } },
    });
  });

  it('writes a turn when heard, skips the streaming text, and writes again when the reply ends and when its first audio comes', () => {
    const { written } = exchange();
    const perStep = written.map((records) => records.map((r) => r.reply?.outcome ?? 'no reply'));
    expect(perStep).toEqual([[], ['no reply'], [], [], [], ['complete'], ['complete'], []]);
    expect(written[6]![0]!.latenciesMs.firstAudio).toBe(1400);
  });

  it('does not give the voice or time to first audio of an earlier session to this one', () => {
    const earlierVoice = { strategy: 'comfort', speed: 0.9, styleSource: 'presets' } as const;
    const tracker = new TurnTracker(SESSION, { voice: earlierVoice, lastTtfaMs: 700 });
    const user = appendUserTurn(newDialogue(), { transcript: 'hi', startMs: 0, endMs: 800, energyDb: -30, strategy: 'neutral', deltaDb: null, cues: cues(null) });
    const { dialogue } = startAssistantTurn(user);
    const state: TrackedState = { dialogue, turns: [], replyTimingsMs: {}, turnTimingsMs: {}, transcribing: false, voice: earlierVoice, lastTtfaMs: 700 };
    const [record] = tracker.observe(state, { nowMs: 10, wallMs: T0 });
    expect(record!.voice).toBeNull();
    expect(record!.latenciesMs.firstAudio).toBeNull();
    expect(record!.latenciesMs.transcription).toBeNull();
    expect(record!.reply!.outcome).toBe('streaming');
    expect(record!.user.frameEnergyDb).toEqual([]);
  });

  it('numbers user turns in order and pairs each with the reply right after it', () => {
    let dialogue = newDialogue();
    for (const [i, text] of ['one', 'two'].entries()) {
      dialogue = appendUserTurn(dialogue, { transcript: text, startMs: i * 5000, endMs: i * 5000 + 1000, energyDb: -20, strategy: 'neutral', deltaDb: null, cues: cues(null) });
      const started = startAssistantTurn(dialogue);
      dialogue = finishAssistantTurn(appendAssistantText(started.dialogue, started.id, `re ${text}`), started.id, i === 0 ? 'interrupted' : 'failed');
    }
    const tracker = new TurnTracker(SESSION, { voice: null, lastTtfaMs: null });
    const records = tracker.observe({ dialogue, turns: [], replyTimingsMs: {}, turnTimingsMs: {}, transcribing: false, voice: null, lastTtfaMs: null }, { nowMs: 0, wallMs: T0 });
    expect(records.map((r) => [r.turnNumber, r.user.transcript, r.reply?.text, r.reply?.outcome, r.reply?.path])).toEqual([
      [1, 'one', 're one', 'interrupted', null],
      [2, 'two', 're two', 'failed', null],
    ]);
  });
});
