import type { ConversationEvent } from '../conversation/conversation';
import { userTurns, type Dialogue } from '../conversation/dialogue';
import { ReplyHearing } from '../conversation/replyHearing';
import { ReplySpeech, type Synthesizer } from '../conversation/replySpeech';
import { fuseStyles, voiceFor, type TurnStyle, type VoiceChoice } from '../conversation/voiceStyle';
import type { Turn } from '../turns/turn';
import { createPlayer, TTS_RATE_HZ, type Player } from '../audio/playback';
import { conversationNoticeChanged, firstAudioTimed, outputLevelMeasured, playbackSuspendedChanged, speakingChanged, voiceChosen } from '../state/actions';
import { useStore } from '../state/store';
import { chosenPackVoices, modelClient, styleEncoderReady } from './modelSession';
import { FixedReplyWords } from './benchmarkReply';
import { markTurn } from './turnMarks';

/** Which reply and which part of its text each player chunk is. */
const chunkSpans = new Map<number, { replyId: number; startChar: number; endChar: number }>();
let nextChunkId = 0;
let player: Promise<Player> | null = null;
/** `words`: the benchmark's fixed reply, spoken at the pace the model writes (null in use). */
let current: { replyId: number; speech: ReplySpeech; words: FixedReplyWords | null } | null = null;
/** Player chunks that open a reply: their first progress is the reply's playback start. */
const firstChunkIds = new Set<number>();
/** The reply whose audio is queued or playing, until the player drains. */
let audibleReplyId: number | null = null;
/** When the latest user turn ended (its transcription began), for the time to first audio. */
let turnEndedMs = 0;
/** Whether the reply being voiced was heard before the user spoke again. */
const hearing = new ReplyHearing();

function startPlayer(): Promise<Player> {
  player ??= createPlayer().then((created) => {
    created.onProgress(({ chunkId, levelDb, playedSamples }) => {
      outputLevelMeasured(levelDb);
      const playedAtMs = performance.now() - (playedSamples * 1000) / TTS_RATE_HZ;
      if (firstChunkIds.delete(chunkId)) markTurn('playback', playedAtMs);
      const span = chunkSpans.get(chunkId);
      if (span) hearing.played(span.replyId, playedAtMs);
      const speaking = useStore.getState().speaking;
      if (span && (speaking?.replyId !== span.replyId || speaking.startChar !== span.startChar)) speakingChanged(span);
    });
    created.onDrained(() => {
      audibleReplyId = null;
      speakingChanged(null);
      outputLevelMeasured(-Infinity);
    });
    created.onStateChange((state) => playbackSuspendedChanged(state === 'suspended'));
    playbackSuspendedChanged(created.state === 'suspended');
    return created;
  });
  return player;
}

/** A user gesture lets a paused AudioContext play again. */
export function resumePlayback(): void {
  void player?.then((created) => created.resume());
}

/** Per user turn of this conversation: its style (pending while the encoder runs) and its energy e_k. */
let turnStyles: Promise<TurnStyle | null>[] = [];

/** With a style encoder, each user turn's own style joins the voice (ES4R Stage 3, the paper's method). */
export function rememberTurnStyle(turn: Turn): void {
  if (!styleEncoderReady()) return;
  const pcm16k = turn.pcm16k.slice();
  turnStyles.push(
    modelClient('tts')
      .call('styleOf', { pcm16k }, { transfer: [pcm16k.buffer] })
      .then((style) => ({ style, energy: turn.energyMean }))
      .catch(() => null),
  );
}

export function forgetTurnStyles(): void {
  turnStyles = [];
}

/** The inverse-energy fusion of the turns' styles so far, or null without an encoder. */
async function fusedStyle(): Promise<Float32Array | null> {
  const styles = (await Promise.all(turnStyles)).filter((style): style is TurnStyle => style !== null && style.energy > 0);
  return styles.length > 0 ? fuseStyles(styles) : null;
}

/** The language models' decoding holds while a reply's first chunk is synthesized: the first audio waits for it alone. */
function holdDecoding(held: boolean): void {
  for (const role of ['llm', 'speech_llm'] as const) {
    if (useStore.getState().components[role]?.status === 'ready') void modelClient(role).call('holdDecoding', { held }).catch(() => undefined);
  }
}

function synthesizerFor(voice: VoiceChoice, voicesUrl: string, style: Promise<Float32Array | null>): Synthesizer {
  let first = true;
  return {
    synthesize: async (text, signal) => {
      markTurn('firstClause');
      const urgent = first;
      first = false;
      if (urgent) holdDecoding(true);
      try {
        return (await modelClient('tts').call('speak', { text, voice, voicesUrl, style: await style }, { signal })).audio24k;
      } finally {
        if (urgent) holdDecoding(false);
      }
    },
  };
}

function startSpeaking(replyId: number, dialogue: Dialogue): void {
  const voices = chosenPackVoices();
  if (useStore.getState().components.tts?.status !== 'ready' || !voices) return;
  // Without the empathetic voice (a study condition), every reply takes the neutral preset and no per-turn style.
  const { empatheticVoice } = useStore.getState().settings;
  const strategy = empatheticVoice ? (userTurns(dialogue).at(-1)?.strategy ?? 'neutral') : 'neutral';
  const voice = voiceFor(strategy, voices.presets);
  const useEncoder = empatheticVoice && styleEncoderReady() && turnStyles.length > 0;
  voiceChosen({ strategy, speed: voice.speed, styleSource: useEncoder ? 'encoder' : 'presets' });
  hearing.voicing(replyId);
  const speech = new ReplySpeech(
    synthesizerFor(voice, voices.voicesUrl, useEncoder ? fusedStyle() : Promise.resolve(null)),
    (chunk) => {
      const chunkId = nextChunkId++;
      if (chunk.id === 0) {
        markTurn('firstAudio');
        firstAudioTimed(performance.now() - turnEndedMs);
        firstChunkIds.add(chunkId);
      }
      chunkSpans.set(chunkId, { replyId, ...chunk.span });
      audibleReplyId = replyId;
      void startPlayer().then((created) => created.enqueue(chunk.audio24k, chunkId));
    },
    conversationNoticeChanged,
  );
  current = { replyId, speech, words: useStore.getState().settings.benchmarkReplyTokens ? new FixedReplyWords() : null };
}

/** Follows the conversation: each reply is spoken while it is written. */
export function speakConversation(event: ConversationEvent, dialogue: Dialogue): void {
  switch (event.type) {
    case 'replyStarted':
      startSpeaking(event.replyId, dialogue);
      return;
    case 'replyText':
      if (current?.replyId === event.replyId) current.speech.push(current.words ? current.words.push(event.textDelta) : event.textDelta);
      return;
    case 'replyEnded':
      if (current?.replyId !== event.replyId) return;
      if (event.outcome === 'interrupted') current.speech.cancel();
      else {
        if (current.words) current.speech.push(current.words.finish());
        void current.speech.finish();
      }
      return;
    case 'transcribing':
      turnEndedMs = performance.now();
      return;
    case 'userTurn':
      return;
  }
}

/** The reply whose audio is queued or playing, if any: the one a barge-in interrupts. */
export function audibleReply(): number | null {
  return audibleReplyId;
}

/** A fresh speech onset: a reply that starts playing from now on is not heard before the user's turn. */
export function userSpeechStarted(): void {
  hearing.userSpoke(performance.now());
}

/** A user turn ended: the reply the user did not hear before speaking (still to be voiced, or voiced over them), if any. */
export function unheardReplyAtTurnEnd(): number | null {
  return hearing.newUserTurn();
}

/** An onset that may be the user ducks the voice; a restore brings it back. */
export function duckVoice(ducked: boolean): void {
  void player?.then((created) => created.duck(ducked));
}

/** The listen worker's echo gate gets everything the voice plays from now on. */
export function sendPlaybackReference(port: MessagePort): void {
  void startPlayer().then(
    (created) => created.connectReference(port),
    () => port.close(),
  );
}

/** The voice as a MediaStream, for the test hook that feeds it back into the microphone path. */
export async function playbackStream(): Promise<MediaStream> {
  return (await startPlayer()).outputStream();
}

/** Barge-in: the voice stops (fading out within a few ms) and nothing more is synthesized. */
export async function stopSpeaking(): Promise<void> {
  hearing.silenced();
  current?.speech.cancel();
  current = null;
  audibleReplyId = null;
  speakingChanged(null);
  outputLevelMeasured(-Infinity);
  if (player) await (await player).stop();
}

/** What the voice actually played, summarised: for end-to-end tests and for checking a setup by hand. */
export interface OutputSummary {
  outputRateHz: number;
  samples: number;
  /** Samples louder than -80 dBFS: the voice, not the silence around it. */
  audibleSamples: number;
  peak: number;
}

let capture: { rateHz: number; stop(): Promise<Float32Array> } | null = null;

export async function startOutputCapture(): Promise<void> {
  const created = await startPlayer();
  capture = { rateHz: created.outputRateHz, ...created.captureOutput() };
}

export async function stopOutputCapture(): Promise<OutputSummary> {
  if (!capture) throw new Error('no output capture is running');
  const { rateHz } = capture;
  const samples = await capture.stop();
  capture = null;
  let audibleSamples = 0;
  let peak = 0;
  for (const sample of samples) {
    const magnitude = Math.abs(sample);
    if (magnitude > 1e-4) audibleSamples++;
    peak = Math.max(peak, magnitude);
  }
  return { outputRateHz: rateHz, samples: samples.length, audibleSamples, peak };
}

/** Creates the audio output inside a user gesture (Talk), so autoplay rules let it play. */
export function prepareSpeech(): void {
  void startPlayer().catch(() => undefined);
}
