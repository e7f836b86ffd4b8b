// Our pipeline in Node, timed turn by turn: the page's listening path over the bench's recording, then each turn
// through the same Conversation loop as `converse` (ASR, cues, text or speech path, LLM) and the page's way of voicing,
// with the page's speculative end of turn (ASR and prefill from the pause on, committed when the wait confirms it).
// One turn per step, so that the bench can alternate our turns with the plain recipe's under the same load.
import { FIXED_REPLY } from '../../../src/conversation/benchmarkReply';
import { ALL_CUES_ON } from '../../../src/conversation/affectCues';
import { Conversation, DEFAULT_MAX_PROMPT_TOKENS, type ConversationEvent, type ReplySettings, type SpeechSide, type Transcriber } from '../../../src/conversation/conversation';
import type { AnswerPath, AssistantTurn } from '../../../src/conversation/dialogue';
import { replayTurnEnd, SpeculativeTurns } from '../../../src/conversation/speculativeTurns';
import { DEFAULT_TAU_DB } from '../../../src/conversation/strategy';
import { promptDialogueFor } from '../../../src/conversation/turnPrompt';
import { encodeWindow, transcribe } from '../../../src/models/asr/transcriber';
import { MEL_BINS } from '../../../src/models/es4r/stage1/stage1Types';
import { DecodeGate } from '../../../src/models/llm/decodeGate';
import { ReplyEngine } from '../../../src/models/llm/replyEngine';
import { prefillDialogue, prefillSystemPrompt, replyToDialogue } from '../../../src/models/llm/replyToDialogue';
import { speechReply } from '../../../src/models/llm/speechReply';
import { SileroVad } from '../../../src/models/vad/sileroVad';
import type { NodeModels } from '../../cli/loadPackInNode';
import { loadVadModel } from '../../cli/loadVadModel';
import { wordCount } from '../../eval/metrics/tokenize';
import { BenchSpeaker } from './benchSpeaker';
import { listenTimed, matchTurns } from './listenTimed';
import type { TurnAudio } from './turnAudio';
import { llmInnerTimings, turnStages, type TurnResult } from './turnResult';

export interface OursOptions {
  answerPath: AnswerPath;
  /** Every reply is the fixed reply, forced, cut at this many tokens. */
  replyTokens: number;
  /** Run the page's speculative end of turn (off: each turn's work starts when the end-of-turn wait is over). */
  speculate: boolean;
  /** Decoding holds while the reply's first chunk is synthesized, as in the page (off: both share the cores). */
  firstChunkPriority: boolean;
}

function speechSide(models: NodeModels): SpeechSide {
  const { speech, asr } = models;
  if (!speech) return { available: false, reason: 'the text path was asked for' };
  return { available: true, encoder: { encode: (turns, options) => speech.encoder.encode(turns, (window) => encodeWindow(asr, window, MEL_BINS), options) } };
}

/** What one turn's events told, on performance.now(). */
interface TurnLog {
  transcribedAtMs: number | null;
  firstTextAtMs: number | null;
  asrTimingsMs: Record<string, number>;
  replyTimingsMs: Record<string, number>;
}

/** Yields after each turn heard: its timing, or null for a turn that is no whole spoken one (answered, not timed). */
export async function* oursTurnsInNode(models: NodeModels, audio: TurnAudio, options: OursOptions, log: (line: string) => void): AsyncGenerator<TurnResult | null> {
  if (!models.tts) throw new Error('bench:turn needs the pack voice (TTS) loaded');
  const vad = await SileroVad.create(loadVadModel());
  const heard = await listenTimed(audio.samples, audio.sampleRateHz, vad).finally(() => vad.release());
  const matched = matchTurns(audio.turns, heard.map(({ turn }) => turn));
  const settings: ReplySettings = {
    cues: ALL_CUES_ON,
    affectCuesInPrompt: true,
    tauDb: DEFAULT_TAU_DB,
    maxNewTokens: options.replyTokens,
    forcedReply: FIXED_REPLY,
    maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS,
    answerPath: options.answerPath,
    dualAttention: true,
    crossAttention: true,
  };
  // One gate for both models, as the page holds both LLM workers: decoding gives way to the reply's first chunk.
  const decodeGate = new DecodeGate();
  const engine = new ReplyEngine(models.llm, decodeGate);
  const speech = models.speech;
  const speechEngine = speech ? new ReplyEngine(speech.llm, decodeGate) : null;
  // As llm.worker does at load: every prompt starts with the system prompt, cached before the first turn.
  for (const loaded of [engine, speechEngine]) if (loaded) await prefillSystemPrompt(loaded);
  const answeringModel = (): [ReplyEngine, NodeModels['llm']] => (settings.answerPath !== 'text' && speech && speechEngine ? [speechEngine, speech.llm] : [engine, models.llm]);
  const speaker = new BenchSpeaker(models.tts, options.firstChunkPriority ? decodeGate : null);
  let turnLog: TurnLog = { transcribedAtMs: null, firstTextAtMs: null, asrTimingsMs: {}, replyTimingsMs: {} };
  let asrTokens: number | null = null;
  const onEvent = (event: ConversationEvent, dialogue: Parameters<BenchSpeaker['onEvent']>[1]) => {
    speaker.onEvent(event, dialogue);
    if (event.type === 'userTurn') {
      turnLog.transcribedAtMs = performance.now();
      turnLog.asrTimingsMs = event.timingsMs;
    }
    if (event.type === 'replyText') turnLog.firstTextAtMs ??= performance.now();
    if (event.type === 'replyEnded') turnLog.replyTimingsMs = event.timingsMs;
  };
  const recognizer: Transcriber = {
    transcribe: async (turnAudio) => {
      const transcript = await transcribe(models.asr, turnAudio);
      asrTokens = transcript.tokenIds.length;
      return transcript;
    },
  };
  // As conversationSession's: the turn so far is transcribed and its prompt prefilled on the model that will answer.
  const speculation = new SpeculativeTurns({
    transcribe: (turn) => recognizer.transcribe({ pcm16k: turn.pcm16k, logMel: { data: turn.logMel, nMels: turn.nMels, frameCount: turn.frameCount } }),
    prefill: (turn, transcript, signal) => prefillDialogue(...answeringModel(), promptDialogueFor(conversation.current, turn, transcript, settings), settings, signal),
    now: () => performance.now(),
  });
  const conversation: Conversation = new Conversation(
    speculation.transcriber(recognizer),
    {
      reply: (dialogue, replySettings, onText, signal, vectors) =>
        vectors && speech && speechEngine
          ? speechReply(speechEngine, speech.llm, replySettings.crossAttention ? speech.crossAttention : null, dialogue, replySettings, vectors, onText, signal)
          : replyToDialogue(engine, models.llm, dialogue, replySettings, onText, signal),
    },
    () => settings,
    onEvent,
    () => speechSide(models),
  );

  for (const [index, { turn, decidedAtMs, tentative }] of heard.entries()) {
    const spoken = matched.indexOf(index);
    turnLog = { transcribedAtMs: null, firstTextAtMs: null, asrTimingsMs: {}, replyTimingsMs: {} };
    asrTokens = null;
    // The listener is replayed in real time from the pause on: the rest of the end-of-turn wait passes as it would live.
    const pause = options.speculate ? tentative : null;
    const replayedFromMs = pause?.decidedAtMs ?? decidedAtMs;
    const replayStartAtMs = performance.now();
    const waitMs = pause ? decidedAtMs - pause.decidedAtMs : 0;
    const committed = pause ? await replayTurnEnd(speculation, pause.turn, turn, waitMs) : null;
    // The page's listener decides in its own worker, on time whatever the models do: the turn is handed over when the
    // stream says, and a timer made late by the speculative work on this one thread counts in the stages after.
    const handedAtMs = replayStartAtMs + waitMs;
    speaker.turnHandedOver(turn);
    await conversation.handleTurn(turn);
    await conversation.settled();
    await speaker.finished();
    // As the page does once a reply is spoken: the history up to it is prefilled while the user listens and speaks.
    const historyPrefill = await prefillDialogue(...answeringModel(), conversation.current, settings);
    const committedFigures = committed ? await committed.figures : null;
    // Hidden within the wait the page would have had: a timer here fired late by this thread's own work is not hidden work.
    const figures = committedFigures ? { ...committedFigures, hiddenMs: Math.min(committedFigures.hiddenMs, waitMs) } : null;
    if (spoken < 0) {
      log(`a turn heard at ${(turn.startMs / 1000).toFixed(2)}-${(turn.endMs / 1000).toFixed(2)} s is no whole spoken turn (a split or a false start); answered, not timed`);
      yield null;
      continue;
    }
    const marks = speaker.marks;
    const { transcribedAtMs, firstTextAtMs } = turnLog;
    if (!marks?.firstClauseAtMs || !marks.firstAudioAtMs || transcribedAtMs === null || firstTextAtMs === null) {
      throw new Error(`turn ${spoken + 1} gave no reply audio (transcribed: ${transcribedAtMs !== null}, text: ${firstTextAtMs !== null}, audio: ${marks?.firstAudioAtMs ?? null})`);
    }
    const speechEndAtMs = replayStartAtMs - (replayedFromMs - audio.turns[spoken]!.voicedEndMs);
    const { totalMs, stagesMs } = turnStages(
      { speechEndAtMs, handedAtMs, transcribedAtMs, firstTextAtMs, firstClauseAtMs: marks.firstClauseAtMs, firstAudioAtMs: marks.firstAudioAtMs },
      {
        asrEncoderMs: (turnLog.asrTimingsMs.features ?? 0) + (turnLog.asrTimingsMs.encoder ?? 0),
        asrDecodingMs: turnLog.asrTimingsMs.decoder ?? 0,
        ...llmInnerTimings(turnLog.replyTimingsMs),
        ttsTextMs: marks.firstChunkTimingsMs?.ttsText,
        ttsModelMs: marks.firstChunkTimingsMs?.ttsModel,
      },
    );
    const reply = conversation.current.turns.at(-1) as AssistantTurn;
    const result: TurnResult = {
      endOfSpeechToFirstAudioMs: totalMs,
      stagesMs,
      promptTokens: reply.prompt?.tokens ?? null,
      prefilledTokens: reply.prompt?.prefilledTokens ?? null,
      asrTokens,
      replyWords: wordCount(reply.text),
      speculativeHiddenMs: figures?.hiddenMs ?? null,
    };
    const speculated = figures
      ? `; speculation: transcript in ${figures.asrMs.toFixed(0)} ms, prefill of ${figures.prefilledTokens ?? '-'} tokens in ${figures.prefillMs?.toFixed(0) ?? '-'} ms, ${figures.hiddenMs.toFixed(0)} of ${waitMs.toFixed(0)} ms hidden`
      : `; no speculation${pause ? ' committed' : ''}`;
    const nextTurn = audio.turns[spoken + 1];
    const prefilledHistory = historyPrefill
      ? `; then the history up to the reply: ${historyPrefill.prefilledTokens} tokens prefilled in ${historyPrefill.ms.toFixed(0)} ms${nextTurn ? ` (the next turn is spoken for ${(nextTurn.voicedEndMs - nextTurn.voicedStartMs).toFixed(0)} ms)` : ''}`
      : '';
    log(`ours turn ${spoken + 1}: ${totalMs.toFixed(0)} ms to first audio; first clause "${marks.firstClauseText}"${speculated}${prefilledHistory}`);
    yield result;
  }
}
