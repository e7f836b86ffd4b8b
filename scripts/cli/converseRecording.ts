// One recorded dialogue through the whole pipeline in process (listening, ASR, affect cues, the speech or text
// path, LLM, optionally TTS): the same Conversation loop as the page. Shared by `converse` and `eval`.
import type { WavAudio } from '../../src/audio/wav/readWav';
import { Conversation, type ReplySettings, type SpeechSide } from '../../src/conversation/conversation';
import { userTurns, type AssistantTurn } from '../../src/conversation/dialogue';
import { encodeWindow, transcribe } from '../../src/models/asr/transcriber';
import { MEL_BINS } from '../../src/models/es4r/stage1/stage1Types';
import { speechReply } from '../../src/models/llm/speechReply';
import { ReplyEngine } from '../../src/models/llm/replyEngine';
import { prefillSystemPrompt, replyToDialogue } from '../../src/models/llm/replyToDialogue';
import type { VoiceActivityDetector } from '../../src/models/vad/vadContract';
import { analyzeRecording } from '../../src/turns/analyzeRecording';
import type { ConverseTurn } from './converseReport';
import type { NodeModels } from './loadPackInNode';
import type { ReplySpeaker, SpokenReply } from './speakReplies';

export interface ConversedRecording {
  turns: ConverseTurn[];
  listenMs: number;
}

export interface ConverseOptions {
  models: NodeModels;
  vad: VoiceActivityDetector;
  settings: ReplySettings;
  speaker?: ReplySpeaker | null;
  /** After each reply, what the speaker made of it (converse writes it to a WAV). */
  onSpoken?: (turnIndex: number, spoken: SpokenReply) => void;
}

/** The speech path in process: the pack's Whisper encodes the pseudo-mel, as in the page's ASR worker. */
function nodeSpeechSide(models: NodeModels): SpeechSide {
  const { speech, asr } = models;
  if (!speech) return { available: false, reason: 'the text path was asked for' };
  return { available: true, encoder: { encode: (turns, options) => speech.encoder.encode(turns, (window) => encodeWindow(asr, window, MEL_BINS), options) } };
}

/** Every user turn the listener finds in the recording, answered in order on a fresh conversation. */
export async function converseRecording(wav: WavAudio, { models, vad, settings, speaker = null, onSpoken }: ConverseOptions): Promise<ConversedRecording> {
  const listenStartMs = performance.now();
  const { turns } = await analyzeRecording(wav.samples, wav.sampleRateHz, { vad });
  const listenMs = performance.now() - listenStartMs;
  const engine = new ReplyEngine(models.llm);
  const speech = models.speech;
  const speechEngine = speech ? new ReplyEngine(speech.llm) : null;
  // As the LLM worker does after loading: the first turn then prefills only its own message.
  await prefillSystemPrompt(engine, settings.affectCuesInPrompt);
  if (speechEngine) await prefillSystemPrompt(speechEngine, settings.affectCuesInPrompt);
  const stageTimes = new Map<number, Record<string, number>>();
  const conversation = new Conversation(
    { transcribe: async (audio) => transcribe(models.asr, audio) },
    {
      reply: (dialogue, replySettings, onText, signal, vectors) =>
        vectors && speech && speechEngine
          ? speechReply(speechEngine, speech.llm, replySettings.crossAttention ? speech.crossAttention : null, dialogue, replySettings, vectors, onText, signal)
          : replyToDialogue(engine, models.llm, dialogue, replySettings, onText, signal),
    },
    () => settings,
    (event, dialogue) => {
      speaker?.onEvent(event, dialogue);
      if (event.type === 'userTurn') stageTimes.set(event.userTurnId, prefixed('asr', event.timingsMs));
      if (event.type === 'replyEnded') stageTimes.set(-event.replyId, prefixed('llm', event.timingsMs));
    },
    () => nodeSpeechSide(models),
  );
  const report: ConverseTurn[] = [];
  for (const [index, turn] of turns.entries()) {
    const startMs = performance.now();
    await speaker?.turnEnded(turn);
    await conversation.handleTurn(turn);
    await conversation.settled();
    const endToReplyMs = performance.now() - startMs;
    const spoken = await speaker?.take();
    if (spoken) onSpoken?.(index, spoken);
    const user = userTurns(conversation.current).at(-1)!;
    const reply = conversation.current.turns.at(-1) as AssistantTurn;
    report.push({
      startMs: turn.startMs,
      endMs: turn.endMs,
      transcript: user.transcript,
      strategy: user.strategy,
      deltaDb: user.deltaDb,
      cues: user.cueNote ?? '',
      reply: reply.text,
      route: reply.route,
      prompt: reply.prompt,
      timingsMs: { ...stageTimes.get(user.id), ...stageTimes.get(-reply.id), endOfTurnToReply: endToReplyMs },
      ...(spoken ? { voice: spoken.voice, ttfaMs: spoken.ttfaMs } : {}),
    });
  }
  return { turns: report, listenMs };
}

function prefixed(stage: string, timingsMs: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(timingsMs).map(([name, ms]) => [`${stage}.${name}`, Math.round(ms * 10) / 10]));
}
