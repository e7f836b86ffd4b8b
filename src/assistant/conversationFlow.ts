import { FIXED_REPLY } from '../conversation/benchmarkReply';
import { Conversation, type ConversationEvent, type ReplySettings, type SpeechEncoderPort, type SpeechSide, type Transcriber } from '../conversation/conversation';
import type { Dialogue } from '../conversation/dialogue';
import { SpeculativeTurns } from '../conversation/speculativeTurns';
import { speculationTimings, type SpeculationFigures } from '../conversation/speculativeTurn';
import { promptDialogueFor } from '../conversation/turnPrompt';
import { errorMessage } from '../errorMessage';
import type { Actions } from '../state/actions';
import type { AppStore } from '../state/store';
import type { Turn } from '../turns/turn';
import type { ModelHost } from './modelHost';
import type { Clock } from './ports';
import type { TurnMarkLog } from './turnMarks';
import type { VoiceOutput } from './voiceOutput';

export interface ConversationFlowDeps {
  models: ModelHost;
  voice: VoiceOutput;
  store: AppStore;
  actions: Actions;
  clock: Clock;
  marks: TurnMarkLog;
}

/**
 * The dialogue between the user's turns and the models: each finished turn is transcribed and answered (text or
 * speech path), a pause starts that work speculatively, and a barge-in or a new turn stops what the user moved on from.
 */
export class ConversationFlow {
  private readonly conversation: Conversation;
  private readonly speculation: SpeculativeTurns;
  /** Figures of committed speculations by the turn's PCM; the transcription that uses one hands them to its reply. */
  private readonly speculationFigures = new WeakMap<Float32Array, Promise<SpeculationFigures | null>>();
  private transcribedFigures: Promise<SpeculationFigures | null> | null = null;

  constructor(private readonly deps: ConversationFlowDeps) {
    const { models } = deps;
    const transcriber: Transcriber = {
      transcribe: ({ pcm16k, logMel }) => {
        // Copies travel to the worker; the turn keeps its audio and features for the speech path.
        const audio = { pcm16k: pcm16k.slice(), ...(logMel ? { logMel: { ...logMel, data: logMel.data.slice() } } : {}) };
        const transfer = [audio.pcm16k.buffer, ...(audio.logMel ? [audio.logMel.data.buffer] : [])] as ArrayBuffer[];
        return models.client('asr').call('transcribe', audio, { transfer });
      },
    };
    /** At a pause the turn is transcribed and the prompt it gives prefilled, while the end-of-turn wait runs. */
    this.speculation = new SpeculativeTurns({
      transcribe: (turn, signal) => transcriber.transcribe({ pcm16k: turn.pcm16k, logMel: { data: turn.logMel, nMels: turn.nMels, frameCount: turn.frameCount } }, signal),
      prefill: (turn, transcript, signal) => {
        const settings = this.replySettings();
        return models.client(this.answeringRole(settings)).call('prefill', { dialogue: promptDialogueFor(this.conversation.current, turn, transcript, settings), settings }, { signal });
      },
      now: () => deps.clock.nowMs(),
    });
    const speculativeTranscriber = this.speculation.transcriber(transcriber);
    this.conversation = new Conversation(
      {
        transcribe: (audio, signal) => {
          this.transcribedFigures = this.speculationFigures.get(audio.pcm16k) ?? null;
          return speculativeTranscriber.transcribe(audio, signal);
        },
      },
      // The speech path's replies come from the pack's embeddings-in LLM; the text path's from its text LLM.
      { reply: (dialogue, settings, onText, signal, speech) => models.client(speech ? 'speech_llm' : 'llm').call('reply', { dialogue, settings, speech }, { onChunk: onText, signal }) },
      () => this.replySettings(),
      (event, dialogue) => this.onEvent(event, dialogue),
      () => this.speechSide(),
    );
  }

  get dialogue(): Dialogue {
    return this.conversation.current;
  }

  /** The model that will answer: the speech path's prompt shares the text prompt's start and history. */
  private answeringRole(settings: ReplySettings): 'llm' | 'speech_llm' {
    return settings.answerPath !== 'text' && this.speechSide().available ? 'speech_llm' : 'llm';
  }

  /**
   * Once a reply is spoken, the start every next prompt shares (the history up to it) is prefilled while the user
   * listens and speaks: on the speech path the last prompt's speech vectors leave the history, so the reply written
   * after them would otherwise be prefilled again at the end of the next turn. After the voice is done with the reply,
   * so that its synthesis keeps the cores.
   */
  private prefillHistoryAfter(replyId: number): void {
    const { models, voice } = this.deps;
    void voice.synthesisSettled().then(() => {
      const latest = this.conversation.current.turns.at(-1);
      // A newer turn came meanwhile: its own prefill covers this.
      if (latest?.kind !== 'assistant' || latest.id !== replyId || !this.modelsReady()) return;
      const settings = this.replySettings();
      const role = this.answeringRole(settings);
      // Only a head start: if it fails, the next reply prefills all it needs and reports what went wrong.
      if (models.ready(role)) void models.client(role).call('prefill', { dialogue: this.conversation.current, settings }).catch(() => undefined);
    });
  }

  private speechSide(): SpeechSide {
    const { speechPath } = this.deps.store.getState();
    if (speechPath.status === 'ready') return { available: true, encoder: this.speechEncoder };
    return { available: false, reason: speechPath.detail ?? `the speech path is ${speechPath.status}`, absent: speechPath.status === 'absent' };
  }

  private readonly speechEncoder: SpeechEncoderPort = {
    encode: (turns, { dualAttention }, signal) => {
      // Copies travel to the worker; the conversation keeps its turns for the next reply.
      const copies = turns.map((turn) => ({ ...turn, data: turn.data.slice() }));
      return this.deps.models.client('asr').call('encodeSpeech', { turns: copies, dualAttention }, { signal, transfer: copies.map((turn) => turn.data.buffer as ArrayBuffer) });
    },
  };

  private replySettings(): ReplySettings {
    const { tauDb, maxNewTokens, maxPromptTokens, affectCuesInPrompt, cues, answerPath, dualAttention, crossAttention, benchmarkReplyTokens } = this.deps.store.getState().settings;
    // Benchmarks time a realistic reply: random weights would write noise of any length.
    const length = benchmarkReplyTokens ? { maxNewTokens: benchmarkReplyTokens, forcedReply: FIXED_REPLY } : { maxNewTokens };
    return { tauDb, ...length, maxPromptTokens, affectCuesInPrompt, cues, answerPath, dualAttention, crossAttention };
  }

  private onEvent(event: ConversationEvent, dialogue: Dialogue): void {
    const { actions, marks, voice } = this.deps;
    actions.dialogueChanged(dialogue);
    voice.follow(event, dialogue);
    switch (event.type) {
      case 'transcribing':
        marks.mark('handed');
        actions.transcribingChanged(true);
        return;
      case 'userTurn':
        marks.mark('transcribed');
        actions.transcribingChanged(false);
        actions.conversationNoticeChanged(null);
        actions.turnTimed(event.userTurnId, event.timingsMs);
        return;
      case 'replyEnded':
        if (event.notice) actions.conversationNoticeChanged(event.notice);
        actions.replyTimed(event.replyId, event.timingsMs);
        this.prefillHistoryAfter(event.replyId);
        return;
      case 'replyStarted': {
        const figures = this.transcribedFigures;
        this.transcribedFigures = null;
        void figures?.then((done) => done && actions.replyTimed(event.replyId, speculationTimings(done)));
        return;
      }
      case 'replyText':
        marks.mark('firstText');
        return;
      case 'replyRouted':
        return;
    }
  }

  private modelsReady(): boolean {
    return this.deps.models.ready('asr') && this.deps.models.ready('llm');
  }

  /** A pause may end the turn: its work starts now, to be committed or discarded. */
  turnPaused(turn: Turn): void {
    if (this.modelsReady()) this.speculation.tentative(turn);
  }

  /** Speech went on after a pause: the work started on the turn so far is cancelled. */
  speechResumed(): void {
    this.speculation.resumed();
  }

  /** A fresh speech onset (not a continued split): a reply first played from now on was not heard before the user spoke. */
  speechStarted(): void {
    this.deps.voice.userSpeechStarted();
  }

  /** A finished turn is answered when speech recognition and the language model are ready. */
  answerTurn(turn: Turn): void {
    const { actions, voice } = this.deps;
    if (!this.modelsReady()) {
      actions.conversationNoticeChanged('The turn was measured but not answered: the speech recognition and language models are not loaded (see Models).');
      return;
    }
    // A reply the user has not heard yet would play after this turn, answering what they moved on from: it is dropped.
    const unheard = voice.unheardReplyAtTurnEnd();
    if (unheard !== null) void voice.stop().then(() => this.conversation.bargeIn(unheard));
    const committed = this.speculation.confirm(turn);
    if (committed) this.speculationFigures.set(turn.pcm16k, committed.figures);
    voice.rememberTurnStyle(turn);
    this.conversation.handleTurn(turn).catch((error: unknown) => {
      actions.transcribingChanged(false);
      actions.conversationNoticeChanged(`The turn could not be transcribed: ${errorMessage(error)}`);
    });
  }

  /** Stops the reply in flight and forgets the dialogue, here and in the LLM's KV cache. */
  async reset(): Promise<void> {
    const { voice, models } = this.deps;
    await voice.stop();
    voice.forgetTurnStyles();
    this.speculation.reset();
    await this.conversation.reset();
    // The reply interrupted on the way out reported the old dialogue after the page had emptied it.
    this.deps.actions.dialogueChanged(this.conversation.current);
    if (models.ready('llm')) await models.client('llm').call('reset', null).catch(() => undefined);
  }

  /** The user started speaking: if the assistant is speaking or still writing, it stops and the reply is marked interrupted. */
  async bargeIn(): Promise<void> {
    const { voice, clock, actions } = this.deps;
    const latest = this.conversation.current.turns.at(-1);
    const writing = latest?.kind === 'assistant' && latest.streaming ? latest.id : null;
    const replyId = voice.audibleReply() ?? writing;
    if (replyId === null) return;
    const onsetMs = clock.nowMs();
    await voice.stop();
    actions.bargeInTimed(clock.nowMs() - onsetMs);
    await this.conversation.bargeIn(replyId);
    this.speculation.bargeIn();
  }
}
