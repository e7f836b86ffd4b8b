import { Conversation, type ConversationEvent, type Replier, type ReplySettings, type SpeechEncoderPort, type SpeechSide, type Transcriber } from '../conversation/conversation';
import { bargeInTimed, conversationNoticeChanged, dialogueChanged, replyTimed, transcribingChanged, turnTimed } from '../state/actions';
import { useStore } from '../state/store';
import type { Turn } from '../turns/turn';
import { modelClient } from './modelSession';
import { audibleReply, forgetTurnStyles, rememberTurnStyle, speakConversation, stopSpeaking, unheardReplyAtTurnEnd, userSpeechStarted } from './speechSession';
import { errorMessage } from '../errorMessage';
import { markTurn } from './turnMarks';
import { SpeculativeTurns } from '../conversation/speculativeTurns';
import { speculationTimings, type SpeculationFigures } from '../conversation/speculativeTurn';
import { promptDialogueFor } from '../conversation/turnPrompt';

const transcriber: Transcriber = {
  transcribe: ({ pcm16k, logMel }) => {
    // Copies travel to the worker; the turn keeps its audio and features for the speech path.
    const audio = { pcm16k: pcm16k.slice(), ...(logMel ? { logMel: { ...logMel, data: logMel.data.slice() } } : {}) };
    const transfer = [audio.pcm16k.buffer, ...(audio.logMel ? [audio.logMel.data.buffer] : [])] as ArrayBuffer[];
    return modelClient('asr').call('transcribe', audio, { transfer });
  },
};

/** The speech path's replies come from the pack's embeddings-in LLM; the text path's from its text LLM. */
const replier: Replier = {
  reply: (dialogue, settings, onText, signal, speech) => modelClient(speech ? 'speech_llm' : 'llm').call('reply', { dialogue, settings, speech }, { onChunk: onText, signal }),
};

const speechEncoder: SpeechEncoderPort = {
  encode: (turns, { dualAttention }, signal) => {
    // Copies travel to the worker; the conversation keeps its turns for the next reply.
    const copies = turns.map((turn) => ({ ...turn, data: turn.data.slice() }));
    return modelClient('asr').call('encodeSpeech', { turns: copies, dualAttention }, { signal, transfer: copies.map((turn) => turn.data.buffer as ArrayBuffer) });
  },
};

function speechSide(): SpeechSide {
  const { speechPath } = useStore.getState();
  if (speechPath.status === 'ready') return { available: true, encoder: speechEncoder };
  return { available: false, reason: speechPath.detail ?? `the speech path is ${speechPath.status}`, absent: speechPath.status === 'absent' };
}

function onEvent(event: ConversationEvent, dialogue: Parameters<typeof dialogueChanged>[0]): void {
  dialogueChanged(dialogue);
  speakConversation(event, dialogue);
  switch (event.type) {
    case 'transcribing':
      markTurn('handed');
      transcribingChanged(true);
      return;
    case 'userTurn':
      markTurn('transcribed');
      transcribingChanged(false);
      conversationNoticeChanged(null);
      turnTimed(event.userTurnId, event.timingsMs);
      return;
    case 'replyEnded':
      if (event.notice) conversationNoticeChanged(event.notice);
      replyTimed(event.replyId, event.timingsMs);
      return;
    case 'replyStarted': {
      const figures = transcribedFigures;
      transcribedFigures = null;
      void figures?.then((done) => done && replyTimed(event.replyId, speculationTimings(done)));
      return;
    }
    case 'replyText':
      markTurn('firstText');
      return;
    case 'replyRouted':
      return;
  }
}

function replySettings(): ReplySettings {
  const { tauDb, maxNewTokens, maxPromptTokens, affectCuesInPrompt, cues, answerPath, dualAttention, crossAttention, benchmarkReplyTokens } = useStore.getState().settings;
  // Benchmarks time replies of one fixed length: random weights would stop anywhere.
  const length = benchmarkReplyTokens ? { maxNewTokens: benchmarkReplyTokens, minNewTokens: benchmarkReplyTokens } : { maxNewTokens };
  return { tauDb, ...length, maxPromptTokens, affectCuesInPrompt, cues, answerPath, dualAttention, crossAttention };
}

/** At a pause the turn is transcribed and the prompt it gives prefilled, while the end-of-turn wait runs. */
const speculation = new SpeculativeTurns({
  transcribe: (turn, signal) => transcriber.transcribe({ pcm16k: turn.pcm16k, logMel: { data: turn.logMel, nMels: turn.nMels, frameCount: turn.frameCount } }, signal),
  prefill: (turn, transcript, signal) => {
    const settings = replySettings();
    // The model that will answer: the speech path's prompt shares the text prompt's start and history.
    const role = settings.answerPath !== 'text' && speechSide().available ? 'speech_llm' : 'llm';
    return modelClient(role).call('prefill', { dialogue: promptDialogueFor(conversation.current, turn, transcript, settings), settings }, { signal });
  },
  now: () => performance.now(),
});
/** Figures of committed speculations by the turn's PCM; the transcription that uses one hands them to its reply. */
const speculationFigures = new WeakMap<Float32Array, Promise<SpeculationFigures | null>>();
let transcribedFigures: Promise<SpeculationFigures | null> | null = null;
const speculativeTranscriber = speculation.transcriber(transcriber);

const conversation = new Conversation(
  {
    transcribe: (audio, signal) => {
      transcribedFigures = speculationFigures.get(audio.pcm16k) ?? null;
      return speculativeTranscriber.transcribe(audio, signal);
    },
  },
  replier,
  replySettings,
  onEvent,
  speechSide,
);

function modelsReady(): boolean {
  const { components } = useStore.getState();
  return components.asr?.status === 'ready' && components.llm?.status === 'ready';
}

/** A pause may end the turn: its work starts now, to be committed or discarded. */
export function turnPaused(turn: Turn): void {
  if (modelsReady()) speculation.tentative(turn);
}

/** Speech went on after a pause: the work started on the turn so far is cancelled. */
export function speechResumed(): void {
  speculation.resumed();
}

/** A finished turn is answered when speech recognition and the language model are ready. */
export function answerTurn(turn: Turn): void {
  if (!modelsReady()) {
    conversationNoticeChanged('The turn was measured but not answered: the speech recognition and language models are not loaded (see Models).');
    return;
  }
  // A reply the user has not heard yet would play after this turn, answering what they moved on from: it is dropped.
  const unheard = unheardReplyAtTurnEnd();
  if (unheard !== null) void stopSpeaking().then(() => conversation.bargeIn(unheard));
  const committed = speculation.confirm(turn);
  if (committed) speculationFigures.set(turn.pcm16k, committed.figures);
  rememberTurnStyle(turn);
  conversation.handleTurn(turn).catch((error: unknown) => {
    transcribingChanged(false);
    conversationNoticeChanged(`The turn could not be transcribed: ${errorMessage(error)}`);
  });
}

/** Stops the reply in flight and forgets the dialogue, here and in the LLM's KV cache. */
export async function resetConversation(): Promise<void> {
  await stopSpeaking();
  forgetTurnStyles();
  speculation.reset();
  await conversation.reset();
  if (useStore.getState().components.llm?.status === 'ready') await modelClient('llm').call('reset', null).catch(() => undefined);
}

/** A fresh speech onset (not a continued split): a reply first played from now on was not heard before the user spoke. */
export function speechStarted(): void {
  userSpeechStarted();
}

/** The user started speaking: if the assistant is speaking or still writing, it stops and the reply is marked interrupted. */
export async function bargeIn(): Promise<void> {
  const latest = conversation.current.turns.at(-1);
  const writing = latest?.kind === 'assistant' && latest.streaming ? latest.id : null;
  const replyId = audibleReply() ?? writing;
  if (replyId === null) return;
  const onsetMs = performance.now();
  await stopSpeaking();
  bargeInTimed(performance.now() - onsetMs);
  await conversation.bargeIn(replyId);
  speculation.bargeIn();
}
