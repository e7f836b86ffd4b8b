import { Conversation, type ConversationEvent, type Replier, type SpeechEncoderPort, type SpeechSide, type Transcriber } from '../conversation/conversation';
import { bargeInTimed, conversationNoticeChanged, dialogueChanged, replyTimed, transcribingChanged, turnTimed } from '../state/actions';
import { useStore } from '../state/store';
import type { Turn } from '../turns/turn';
import { modelClient } from './modelSession';
import { audibleReply, forgetTurnStyles, rememberTurnStyle, speakConversation, stopSpeaking } from './speechSession';
import { errorMessage } from '../errorMessage';
import { markTurn } from './turnMarks';

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
  return { available: false, reason: speechPath.detail ?? `the speech path is ${speechPath.status}` };
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
    case 'replyText':
      markTurn('firstText');
      return;
    case 'replyStarted':
    case 'replyRouted':
      return;
  }
}

const conversation = new Conversation(
  transcriber,
  replier,
  () => {
    const { tauDb, maxNewTokens, maxPromptTokens, affectCuesInPrompt, cues, answerPath, dualAttention, crossAttention, benchmarkReplyTokens } = useStore.getState().settings;
    // Benchmarks time replies of one fixed length: random weights would stop anywhere.
    const length = benchmarkReplyTokens ? { maxNewTokens: benchmarkReplyTokens, minNewTokens: benchmarkReplyTokens } : { maxNewTokens };
    return { tauDb, ...length, maxPromptTokens, affectCuesInPrompt, cues, answerPath, dualAttention, crossAttention };
  },
  onEvent,
  speechSide,
);

/** A finished turn is answered when speech recognition and the language model are ready. */
export function answerTurn(turn: Turn): void {
  const { components } = useStore.getState();
  if (components.asr?.status !== 'ready' || components.llm?.status !== 'ready') {
    conversationNoticeChanged('The turn was measured but not answered: the speech recognition and language models are not loaded (see Models).');
    return;
  }
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
  await conversation.reset();
  if (useStore.getState().components.llm?.status === 'ready') await modelClient('llm').call('reset', null).catch(() => undefined);
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
}
