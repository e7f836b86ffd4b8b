// Speculative end of turn in Node on the tiny pack, through the page's listening path and real models: each turn's
// speculation runs at its pause, and the confirmed turn reuses its transcript and finds the prompt prefilled.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../src/audio/wav/readWav';
import { transcribe } from '../../src/models/asr/transcriber';
import { ReplyEngine } from '../../src/models/llm/replyEngine';
import { prefillDialogue, replyToDialogue } from '../../src/models/llm/replyToDialogue';
import { SileroVad } from '../../src/models/vad/sileroVad';
import { analyzeRecording } from '../../src/turns/analyzeRecording';
import type { Turn } from '../../src/turns/turn';
import { loadPackInNode, type NodeModels } from '../../scripts/cli/loadPackInNode';
import { loadVadModel } from '../../scripts/cli/loadVadModel';
import { ALL_CUES_ON } from '../../src/conversation/affectCues';
import { Conversation, DEFAULT_MAX_PROMPT_TOKENS, type ReplySettings, type Transcriber } from '../../src/conversation/conversation';
import { userTurns, type AssistantTurn } from '../../src/conversation/dialogue';
import type { SpeculationFigures } from '../../src/conversation/speculativeTurn';
import { SpeculativeTurns, type CommittedSpeculation } from '../../src/conversation/speculativeTurns';
import { promptDialogueFor } from '../../src/conversation/turnPrompt';

const SETTINGS: ReplySettings = { cues: ALL_CUES_ON, affectCuesInPrompt: true, tauDb: 3, maxNewTokens: 12, maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS, answerPath: 'text', dualAttention: true, crossAttention: true };

let models: NodeModels;
const heard: { tentative: Turn | null; turn: Turn }[] = [];

beforeAll(async () => {
  models = await loadPackInNode('tiny');
  const wav = readWav(readFileSync(join(process.cwd(), 'e2e', 'fixtures', 'dialogue-rising-48k.wav')));
  const vad = await SileroVad.create(loadVadModel());
  let tentative: Turn | null = null;
  await analyzeRecording(wav.samples, wav.sampleRateHz, {
    vad,
    onEvent: (event) => {
      if (event.type === 'tentativeTurn') tentative = event.turn;
      if (event.type === 'speechResumed') tentative = null;
      if (event.type === 'turn') {
        heard.push({ tentative, turn: event.turn });
        tentative = null;
      }
    },
  });
  await vad.release();
}, 120_000);

afterAll(async () => {
  await models?.release();
});

/** One conversation over the heard turns, with or without speculation; what each reply prefilled and each transcript. */
async function converse(speculate: boolean): Promise<{ transcripts: string[]; prefilled: number[]; figures: (SpeculationFigures | null)[]; asrCalls: number }> {
  const engine = new ReplyEngine(models.llm);
  let asrCalls = 0;
  const recognizer: Transcriber = {
    transcribe: async (audio) => {
      asrCalls++;
      return transcribe(models.asr, audio);
    },
  };
  let conversation: Conversation;
  // Handed the speculative prefill's settling once the speculation starts it (after its transcript).
  let prefillStarted: (settled: Promise<void>) => void = () => undefined;
  const speculation = new SpeculativeTurns({
    transcribe: (turn) => recognizer.transcribe({ pcm16k: turn.pcm16k, logMel: { data: turn.logMel, nMels: turn.nMels, frameCount: turn.frameCount } }),
    prefill: (turn, transcript, signal) => {
      const prefill = prefillDialogue(engine, models.llm, promptDialogueFor(conversation.current, turn, transcript, SETTINGS), SETTINGS, signal);
      prefillStarted(prefill.then(() => undefined, () => undefined));
      return prefill;
    },
    now: () => performance.now(),
  });
  // The turn is confirmed once its speculation has transcribed and prefilled, as on a machine fast enough to do both
  // within the end-of-turn wait; how much of a real wait it hides is measured by bench:turn, not asserted here.
  const speculateThenConfirm = async (tentative: Turn, turn: Turn): Promise<CommittedSpeculation | null> => {
    const prefillSettled = new Promise<void>((resolve) => (prefillStarted = resolve));
    speculation.tentative(tentative);
    await prefillSettled;
    return speculation.confirm(turn);
  };
  conversation = new Conversation(speculation.transcriber(recognizer), { reply: (dialogue, settings, onText, signal) => replyToDialogue(engine, models.llm, dialogue, settings, onText, signal) }, () => SETTINGS, () => undefined);
  const figures: (SpeculationFigures | null)[] = [];
  for (const { tentative, turn } of heard) {
    const committed = speculate && tentative ? await speculateThenConfirm(tentative, turn) : null;
    await conversation.handleTurn(turn);
    await conversation.settled();
    figures.push(committed ? await committed.figures : null);
  }
  const replies = conversation.current.turns.filter((t): t is AssistantTurn => t.kind === 'assistant');
  return { transcripts: userTurns(conversation.current).map((t) => t.transcript), prefilled: replies.map((r) => r.prompt?.prefilledTokens ?? -1), figures, asrCalls };
}

describe('speculative end of turn on the tiny pack', () => {
  it('every turn of the dialogue paused before it ended, as the same turn', () => {
    expect(heard).toHaveLength(3);
    for (const { tentative, turn } of heard) {
      // The same turn, decided earlier: at the pause, not at the end of the wait.
      expect({ ...tentative, decidedAtMs: 0 }).toEqual({ ...turn, decidedAtMs: 0 });
      expect(tentative!.decidedAtMs).toBeLessThan(turn.decidedAtMs);
    }
  });

  it('reuses each speculative transcript (one recognition per turn) and leaves each reply only the last prompt token to prefill', async () => {
    const plain = await converse(false);
    const speculative = await converse(true);
    expect(speculative.transcripts).toEqual(plain.transcripts);
    expect(speculative.asrCalls).toBe(heard.length);
    // The speculative prefill stops one token short of the prompt (the reply's first step feeds the last one).
    expect(speculative.prefilled).toEqual(heard.map(() => 1));
    expect(plain.prefilled.every((tokens) => tokens > 10)).toBe(true);
    for (const [i, figures] of speculative.figures.entries()) {
      expect(figures).not.toBeNull();
      expect(figures!.prefilledTokens).toBe(plain.prefilled[i]! - 1);
      expect(figures!.hiddenMs).toBeGreaterThan(0);
      expect(figures!.hiddenMs).toBeLessThanOrEqual(figures!.waitMs);
    }
  }, 120_000);
});
