import { describe, expect, it } from 'vitest';
import type { Turn } from '../turns/turn';
import { ALL_CUES_ON } from './affectCues';
import { Conversation, DEFAULT_MAX_PROMPT_TOKENS, type Replier, type ReplySettings } from './conversation';
import type { Dialogue } from './dialogue';
import { promptDialogueFor } from './turnPrompt';

const SETTINGS: ReplySettings = { cues: ALL_CUES_ON, affectCuesInPrompt: true, tauDb: 3, maxNewTokens: 64, maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS, answerPath: 'text', dualAttention: true, crossAttention: true };
const TEXTS = ['I finished the project', 'but nobody noticed it at all', 'maybe it does not matter'];

/** A 2 s turn at the given energy, with a quieter middle (a pause the cues can see); its PCM holds its index. */
function turnAt(index: number, energyDb: number): Turn {
  const frames = 200;
  const energy = new Float32Array(frames).fill(10 ** (energyDb / 10));
  energy.fill(10 ** ((energyDb - 30) / 10), 90, 130);
  return {
    index, startMs: index * 5000, endMs: index * 5000 + 2000, paddedStartMs: index * 5000 - 200, paddedEndMs: index * 5000 + 2000,
    pcm16k: new Float32Array(32_000).fill(index), nMels: 80, frameCount: frames, logMel: new Float32Array(80 * frames), energy,
    speechFrames: new Uint8Array(frames).fill(1), energyMean: 10 ** (energyDb / 10), energyDb, endReason: 'silence', decidedAtMs: index * 5000 + 2500,
  };
}

describe('promptDialogueFor', () => {
  it('builds, turn after turn, exactly the dialogue Conversation hands its replier, with cues on and off', async () => {
    for (const affectCuesInPrompt of [true, false]) {
      const settings = { ...SETTINGS, affectCuesInPrompt };
      const prompts: Dialogue[] = [];
      const replier: Replier = {
        reply: async (dialogue, _settings, onText) => {
          prompts.push(dialogue);
          onText('I hear you.');
          return { text: 'I hear you.', stopReason: 'eos', prompt: null, timingsMs: {} };
        },
      };
      const conversation = new Conversation({ transcribe: async ({ pcm16k }) => ({ text: TEXTS[pcm16k[0]!]!, timingsMs: {} }) }, replier, () => settings, () => undefined);
      for (const [index, energyDb] of [-30, -24, -12].entries()) {
        const turn = turnAt(index, energyDb);
        const speculated = promptDialogueFor(conversation.current, turn, TEXTS[index]!, settings);
        await conversation.handleTurn(turn);
        await conversation.settled();
        expect(prompts.at(-1)).toEqual(speculated);
      }
      expect(prompts).toHaveLength(3);
    }
  });
});
