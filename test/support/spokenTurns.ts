// What a user does in the Node session tests: open the page on the tiny pack, press Talk, say a sentence at a level.
import { readFileSync } from 'node:fs';
import type { AssistantTurn } from '../../src/conversation/dialogue';
import { readWav } from '../../src/audio/wav/readWav';
import type { Settings } from '../../src/state/settingsSlice';
import { until, type Harness } from './assistantHarness';

/** espeak's "I finally finished the project I have been working on for months." (2.9 s), at 48 kHz. */
const SPEECH = readWav(new Uint8Array(readFileSync('fixtures/speech-48k.wav')));
export const MIC_RATE_HZ = SPEECH.sampleRateHz;
export const SPEECH_MS = (SPEECH.samples.length * 1000) / MIC_RATE_HZ;
/** Past the default 500 ms end-of-turn silence, with room for the VAD's hangover. */
export const TURN_GAP_MS = 1500;

/** The sentence at `gainDb`, then silence long enough to end the turn. */
export function utterance(gainDb: number): Float32Array {
  const gain = 10 ** (gainDb / 20);
  const out = new Float32Array(SPEECH.samples.length + (MIC_RATE_HZ * TURN_GAP_MS) / 1000);
  SPEECH.samples.forEach((sample, i) => (out[i] = sample * gain));
  return out;
}

export function assistantTurns(h: Harness): AssistantTurn[] {
  return h.assistant.store.getState().dialogue.turns.filter((turn): turn is AssistantTurn => turn.kind === 'assistant');
}

function modelsReady(h: Harness): boolean {
  const { components, speechPath } = h.assistant.store.getState();
  return (['asr', 'llm', 'tts', 'speech_llm'] as const).every((role) => components[role]?.status === 'ready') && speechPath.status !== 'loading';
}

/** Opens the page on the tiny pack with `settings`, waits for the models, and presses Talk (unless `press` is false). */
export async function openPage(h: Harness, settings: Partial<Settings> = {}, press = true): Promise<void> {
  h.assistant.actions.updateSettings({ pack: 'tiny', ...settings });
  await h.assistant.start();
  await until(() => modelsReady(h), 'the models to load');
  if (!press) return;
  await h.assistant.listening.start();
  if (h.assistant.store.getState().micStatus !== 'listening') throw new Error(`Talk did not start listening: ${h.assistant.store.getState().micMessage}`);
}

/** The user says the sentence; resolves once its reply is written and every chunk of it has played. */
export async function say(h: Harness, gainDb: number): Promise<AssistantTurn> {
  const repliesBefore = assistantTurns(h).length;
  h.microphone.hear(utterance(gainDb));
  await until(() => {
    const latest = assistantTurns(h)[repliesBefore];
    return latest !== undefined && !latest.streaming && h.assistant.voice.audibleReply() === null;
  }, 'the reply to be written and spoken');
  return assistantTurns(h)[repliesBefore]!;
}
