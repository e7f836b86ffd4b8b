import type { ConversationEvent } from '../conversation/conversation';
import { userTurns, type Dialogue } from '../conversation/dialogue';
import { ReplyHearing } from '../conversation/replyHearing';
import { ReplySpeech, type Synthesizer } from '../conversation/replySpeech';
import { fuseStyles, voiceFor, type TurnStyle, type VoiceChoice } from '../conversation/voiceStyle';
import type { Turn } from '../turns/turn';
import { TTS_RATE_HZ, type Player } from '../audio/playback';
import { ttsTimings } from '../models/tts/ttsTimings';
import type { Actions } from '../state/actions';
import type { AppStore } from '../state/store';
import type { ModelHost } from './modelHost';
import type { AudioPorts, Clock } from './ports';
import type { TurnMarkLog } from './turnMarks';

export interface VoiceOutputDeps {
  models: ModelHost;
  store: AppStore;
  actions: Actions;
  clock: Clock;
  audio: AudioPorts;
  marks: TurnMarkLog;
}

/** What the voice actually played, summarised: for end-to-end tests and for checking a setup by hand. */
export interface OutputSummary {
  outputRateHz: number;
  samples: number;
  /** Samples louder than -80 dBFS: the voice, not the silence around it. */
  audibleSamples: number;
  peak: number;
}

/**
 * Speaks the conversation's replies while they are written: the voice chosen by the strategy (and the user's fused
 * style), chunk by chunk through the player, and stops at once on a barge-in.
 */
export class VoiceOutput {
  /** Which reply and which part of its text each player chunk is. */
  private readonly chunkSpans = new Map<number, { replyId: number; startChar: number; endChar: number }>();
  private nextChunkId = 0;
  private player: Promise<Player> | null = null;
  /** `words`: the benchmark's fixed reply, spoken at the pace the model writes (null in use). */
  private current: { replyId: number; speech: ReplySpeech } | null = null;
  /** Settles once the latest ended reply has no more chunks to synthesize (all done, or cancelled). */
  private synthesis: Promise<void> = Promise.resolve();
  /** Player chunks that open a reply: their first progress is the reply's playback start. */
  private readonly firstChunkIds = new Set<number>();
  /** The reply whose audio is queued or playing, until the player drains. */
  private audibleReplyId: number | null = null;
  /** When the latest user turn ended (its transcription began), for the time to first audio. */
  private turnEndedMs = 0;
  /** Whether the reply being voiced was heard before the user spoke again. */
  private readonly hearing = new ReplyHearing();
  /** Per user turn of this conversation: its style (pending while the encoder runs) and its energy e_k. */
  private turnStyles: Promise<TurnStyle | null>[] = [];
  private outputCapture: { rateHz: number; stop(): Promise<Float32Array> } | null = null;

  constructor(private readonly deps: VoiceOutputDeps) {}

  private startPlayer(): Promise<Player> {
    const { actions, clock, store, marks } = this.deps;
    this.player ??= this.deps.audio.createPlayer().then((created) => {
      created.onProgress(({ chunkId, levelDb, playedSamples }) => {
        actions.outputLevelMeasured(levelDb);
        const playedAtMs = clock.nowMs() - (playedSamples * 1000) / TTS_RATE_HZ;
        if (this.firstChunkIds.delete(chunkId)) marks.mark('playback', playedAtMs);
        const span = this.chunkSpans.get(chunkId);
        if (span) this.hearing.played(span.replyId, playedAtMs);
        const speaking = store.getState().speaking;
        if (span && (speaking?.replyId !== span.replyId || speaking.startChar !== span.startChar)) actions.speakingChanged(span);
      });
      created.onDrained(() => {
        this.audibleReplyId = null;
        actions.speakingChanged(null);
        actions.outputLevelMeasured(-Infinity);
      });
      created.onStateChange((state) => actions.playbackSuspendedChanged(state === 'suspended'));
      actions.playbackSuspendedChanged(created.state === 'suspended');
      return created;
    });
    return this.player;
  }

  /** Creates the audio output inside a user gesture (Talk), so autoplay rules let it play. */
  prepare(): void {
    void this.startPlayer().catch(() => undefined);
  }

  /** A user gesture lets a paused AudioContext play again. */
  resume(): void {
    void this.player?.then((created) => created.resume());
  }

  /** With a style encoder, each user turn's own style joins the voice (ES4R Stage 3, the paper's method). */
  rememberTurnStyle(turn: Turn): void {
    const { models } = this.deps;
    if (!models.styleEncoderReady()) return;
    const pcm16k = turn.pcm16k.slice();
    this.turnStyles.push(
      models
        .client('tts')
        .call('styleOf', { pcm16k }, { transfer: [pcm16k.buffer] })
        .then((style) => ({ style, energy: turn.energyMean }))
        .catch(() => null),
    );
  }

  forgetTurnStyles(): void {
    this.turnStyles = [];
  }

  /** The inverse-energy fusion of the turns' styles so far, or null without an encoder. */
  private async fusedStyle(): Promise<Float32Array | null> {
    const styles = (await Promise.all(this.turnStyles)).filter((style): style is TurnStyle => style !== null && style.energy > 0);
    return styles.length > 0 ? fuseStyles(styles) : null;
  }

  /** The language models' decoding holds while a reply's first chunk is synthesized: the first audio waits for it alone. */
  private holdDecoding(held: boolean): void {
    const { models } = this.deps;
    for (const role of ['llm', 'speech_llm'] as const) {
      if (models.ready(role)) void models.client(role).call('holdDecoding', { held }).catch(() => undefined);
    }
  }

  private synthesizerFor(replyId: number, voice: VoiceChoice, voicesUrl: string, style: Promise<Float32Array | null>): Synthesizer {
    let first = true;
    return {
      synthesize: async (text, signal) => {
        this.deps.marks.mark('firstClause');
        const urgent = first;
        first = false;
        if (urgent) this.holdDecoding(true);
        try {
          const { audio24k, timingsMs } = await this.deps.models.client('tts').call('speak', { text, voice, voicesUrl, style: await style }, { signal });
          // The first chunk's own costs, beside the time it took to come back: text to phonemes, and the voice model.
          if (urgent) this.deps.actions.replyTimed(replyId, ttsTimings(timingsMs));
          return audio24k;
        } finally {
          if (urgent) this.holdDecoding(false);
        }
      },
    };
  }

  private startSpeaking(replyId: number, dialogue: Dialogue): void {
    const { models, store, actions, clock, marks } = this.deps;
    const voices = models.chosenPackVoices();
    if (!models.ready('tts') || !voices) return;
    // Without the empathetic voice (a study condition), every reply takes the neutral preset and no per-turn style.
    const { empatheticVoice } = store.getState().settings;
    const strategy = empatheticVoice ? (userTurns(dialogue).at(-1)?.strategy ?? 'neutral') : 'neutral';
    const voice = voiceFor(strategy, voices.presets);
    const useEncoder = empatheticVoice && models.styleEncoderReady() && this.turnStyles.length > 0;
    actions.voiceChosen({ strategy, speed: voice.speed, styleSource: useEncoder ? 'encoder' : 'presets' });
    this.hearing.voicing(replyId);
    const speech = new ReplySpeech(
      this.synthesizerFor(replyId, voice, voices.voicesUrl, useEncoder ? this.fusedStyle() : Promise.resolve(null)),
      (chunk) => {
        const chunkId = this.nextChunkId++;
        if (chunk.id === 0) {
          marks.mark('firstAudio');
          actions.firstAudioTimed(clock.nowMs() - this.turnEndedMs);
          this.firstChunkIds.add(chunkId);
        }
        this.chunkSpans.set(chunkId, { replyId, ...chunk.span });
        this.audibleReplyId = replyId;
        void this.startPlayer().then((created) => created.enqueue(chunk.audio24k, chunkId));
      },
      actions.conversationNoticeChanged,
    );
    this.current = { replyId, speech };
  }

  /** Follows the conversation: each reply is spoken while it is written. */
  follow(event: ConversationEvent, dialogue: Dialogue): void {
    const { current } = this;
    switch (event.type) {
      case 'replyStarted':
        this.startSpeaking(event.replyId, dialogue);
        return;
      case 'replyText':
        if (current?.replyId === event.replyId) current.speech.push(event.textDelta);
        return;
      case 'replyEnded':
        if (current?.replyId !== event.replyId) return;
        if (event.outcome === 'interrupted') {
          current.speech.cancel();
          this.synthesis = Promise.resolve();
        } else this.synthesis = current.speech.finish().catch(() => undefined);
        return;
      case 'transcribing':
        this.turnEndedMs = this.deps.clock.nowMs();
        return;
      case 'userTurn':
      case 'replyRouted':
        return;
    }
  }

  /** The reply whose audio is queued or playing, if any: the one a barge-in interrupts. */
  audibleReply(): number | null {
    return this.audibleReplyId;
  }

  /** A fresh speech onset: a reply that starts playing from now on is not heard before the user's turn. */
  /** Resolves when the reply that ended last needs the voice model no more: its chunks are synthesized or dropped. */
  synthesisSettled(): Promise<void> {
    return this.synthesis;
  }

  userSpeechStarted(): void {
    this.hearing.userSpoke(this.deps.clock.nowMs());
  }

  /** A user turn ended: the reply the user did not hear before speaking (still to be voiced, or voiced over them), if any. */
  unheardReplyAtTurnEnd(): number | null {
    return this.hearing.newUserTurn();
  }

  /** An onset that may be the user ducks the voice; a restore brings it back. */
  duck(ducked: boolean): void {
    void this.player?.then((created) => created.duck(ducked));
  }

  /** The listen worker's echo gate gets everything the voice plays from now on. */
  sendPlaybackReference(port: MessagePort): void {
    void this.startPlayer().then(
      (created) => created.connectReference(port),
      () => port.close(),
    );
  }

  /** The voice as a MediaStream, for the test hook that feeds it back into the microphone path. */
  async playbackStream(): Promise<MediaStream> {
    return (await this.startPlayer()).outputStream();
  }

  /** Barge-in: the voice stops (fading out within a few ms) and nothing more is synthesized. */
  async stop(): Promise<void> {
    const { actions } = this.deps;
    this.hearing.silenced();
    this.current?.speech.cancel();
    this.current = null;
    this.audibleReplyId = null;
    actions.speakingChanged(null);
    actions.outputLevelMeasured(-Infinity);
    if (this.player) await (await this.player).stop();
  }

  async startOutputCapture(): Promise<void> {
    const created = await this.startPlayer();
    this.outputCapture = { rateHz: created.outputRateHz, ...created.captureOutput() };
  }

  async stopOutputCapture(): Promise<OutputSummary> {
    if (!this.outputCapture) throw new Error('no output capture is running');
    const { rateHz } = this.outputCapture;
    const samples = await this.outputCapture.stop();
    this.outputCapture = null;
    let audibleSamples = 0;
    let peak = 0;
    for (const sample of samples) {
      const magnitude = Math.abs(sample);
      if (magnitude > 1e-4) audibleSamples++;
      peak = Math.max(peak, magnitude);
    }
    return { outputRateHz: rateHz, samples: samples.length, audibleSamples, peak };
  }
}
