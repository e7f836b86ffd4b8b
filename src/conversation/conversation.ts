import type { TurnAudio } from '../models/asr/transcriber';
import { dualFrontFrames, firstTurnThatFits, type TurnLogMel } from '../models/es4r/runtime/frontPlan';
import type { Turn } from '../turns/turn';
import type { CueSwitches } from './affectCues';
import { appendAssistantText, finishAssistantTurn, markReplyInterrupted, newDialogue, recordCueNote, setReplyRoute, startAssistantTurn, userTurns, type AnswerPathSetting, type Dialogue, type PromptSize, type ReplyOutcome, type ReplyRoute } from './dialogue';
import { askToRepeatReply, promptCueNote } from './prompt';
import { appendListenedTurn } from './userTurnFromTurn';
import { errorMessage } from '../errorMessage';

/** Speech to text; in the page a worker client, in Node the engine itself. */
export interface Transcriber {
  transcribe(audio: TurnAudio, signal?: AbortSignal): Promise<{ text: string; timingsMs: Record<string, number> }>;
}

/** Reply length cap; 128 is the ES4R release's default. */
export const DEFAULT_MAX_NEW_TOKENS = 128;
/** Prompt cap whatever the model's context allows: the prompt's length sets the time to first token and the heap. */
export const DEFAULT_MAX_PROMPT_TOKENS = 3072;

export interface ReplySettings {
  cues: CueSwitches;
  affectCuesInPrompt: boolean;
  tauDb: number;
  maxNewTokens: number;
  /** The prompt's budget (history trimmed to fit), at most the model's context less the reply's room. */
  maxPromptTokens: number;
  /** The path asked for; the speech path needs a speech encoder, else the text path answers and says why. */
  answerPath: AnswerPathSetting;
  /** Speech-path ablations (docs/es4r.md): dual-level affective attention before Whisper, cross-attention over the text. */
  dualAttention: boolean;
  crossAttention: boolean;
  /** Benchmarks only: the model writes this text, forced token by token within maxNewTokens (random weights write noise). */
  forcedReply?: string;
}

/** The speech vectors of the user's turns, [tokens, hidden] row-major, with what they cost. */
export interface SpeechVectorsResult {
  data: Float32Array;
  tokens: number;
  hidden: number;
  turnsUsed: number;
  timingsMs: Record<string, number>;
}

/** ES4R's speech side (affect front, Whisper, adapter): in the page the ASR worker, in Node the engine itself. */
export interface SpeechEncoderPort {
  encode(turns: TurnLogMel[], options: { dualAttention: boolean }, signal: AbortSignal): Promise<SpeechVectorsResult>;
}

/** The speech encoder when the pack has an ES4R component and it loaded, else why not. */
/** `absent`: the pack has no ES4R component at all (not loading, not failed), so "auto" means the text path. */
export type SpeechSide = { available: true; encoder: SpeechEncoderPort } | { available: false; reason: string; absent?: boolean };

export interface ReplierResult {
  text: string;
  stopReason: 'eos' | 'maxTokens' | 'cancelled';
  /** Null for a fixed reply that no model wrote. */
  prompt: PromptSize | null;
  timingsMs: Record<string, number>;
}

/** Dialogue to a streamed reply; the prompt is built where the tokenizer is, to count tokens exactly. */
export interface Replier {
  /** `speech` is null on the text path; on the speech path its vectors join the prompt (cross-attention as settings say). */
  reply(
    dialogue: Dialogue,
    settings: ReplySettings,
    onText: (textDelta: string) => void,
    signal: AbortSignal,
    speech: SpeechVectorsResult | null,
  ): Promise<ReplierResult>;
}

/** What happened, for the page and the CLI; every event carries the dialogue after it. */
export type ConversationEvent =
  | { type: 'transcribing'; turnIndex: number }
  | { type: 'userTurn'; userTurnId: number; timingsMs: Record<string, number> }
  | { type: 'replyStarted'; replyId: number }
  | { type: 'replyRouted'; replyId: number; route: ReplyRoute }
  | { type: 'replyText'; replyId: number; textDelta: string }
  | { type: 'replyEnded'; replyId: number; outcome: ReplyOutcome; notice: string | null; timingsMs: Record<string, number> };


const TEXT_ROUTE: Omit<ReplyRoute, 'fallbackReason'> = { path: 'text', dualAttention: false, crossAttention: false, speechTokens: null };

/**
 * ES4R turn by turn: transcribe, measure the affect cues, then answer through the text path or the speech
 * path (the user turns' log-mels through the speech encoder into the LLM prompt). A turn that arrives while
 * a reply is being generated cancels it (marked interrupted) before its own work.
 */
export class Conversation {
  private dialogue: Dialogue = newDialogue();
  private replying: { id: number; controller: AbortController; done: Promise<void> } | null = null;
  /** Turns are handled strictly in order, each after the previous one's transcription. */
  private queue: Promise<void> = Promise.resolve();
  /** The user turns' log-mels for the speech path, oldest first; only those that can still reach Whisper's window. */
  private speechTurns: TurnLogMel[] = [];

  constructor(
    private readonly transcriber: Transcriber,
    private readonly replier: Replier,
    private readonly settings: () => ReplySettings,
    private readonly emit: (event: ConversationEvent, dialogue: Dialogue) => void,
    private readonly speechSide: () => SpeechSide = () => ({ available: false, reason: 'no speech encoder was given' }),
  ) {}

  get current(): Dialogue {
    return this.dialogue;
  }

  /** Queues a finished user turn; resolves when its transcript is in (the reply goes on streaming). */
  handleTurn(turn: Turn): Promise<void> {
    const next = this.queue.then(() => this.takeTurn(turn));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Stops any reply in flight (barge-in, a new turn); it stays in the history marked interrupted. */
  async interrupt(): Promise<void> {
    const replying = this.replying;
    if (!replying) return;
    replying.controller.abort();
    await replying.done;
  }

  /** The user cut in while reply `replyId` was being spoken: stop it if it is still written, and mark it. */
  async bargeIn(replyId: number): Promise<void> {
    // Callers decide after awaiting the voice's stop; by then a newer reply may be writing, and it is not the one cut.
    if (this.replying?.id === replyId) await this.interrupt();
    this.dialogue = markReplyInterrupted(this.dialogue, replyId);
    this.emit({ type: 'replyEnded', replyId, outcome: 'interrupted', notice: null, timingsMs: {} }, this.dialogue);
  }

  async reset(): Promise<void> {
    await this.interrupt();
    this.dialogue = newDialogue();
    this.speechTurns = [];
  }

  /** Resolves when no reply is streaming (for the CLI, which answers turn by turn). */
  async settled(): Promise<void> {
    await this.queue;
    await this.replying?.done;
  }

  private update(dialogue: Dialogue, event: ConversationEvent): void {
    this.dialogue = dialogue;
    this.emit(event, dialogue);
  }

  private async takeTurn(turn: Turn): Promise<void> {
    await this.interrupt();
    this.emit({ type: 'transcribing', turnIndex: turn.index }, this.dialogue);
    const logMel = { data: turn.logMel, nMels: turn.nMels, frameCount: turn.frameCount };
    this.keepSpeechTurn(logMel);
    const transcript = await this.transcriber.transcribe({ pcm16k: turn.pcm16k, logMel });
    const withUser = appendListenedTurn(this.dialogue, turn, transcript.text, this.settings().tauDb);
    const userTurn = userTurns(withUser).at(-1)!;
    this.update(withUser, { type: 'userTurn', userTurnId: userTurn.id, timingsMs: transcript.timingsMs });
    this.startReply();
  }

  /** Older turns leave once neither front (padded to the longest, or raw) could fit them with the newer ones. */
  private keepSpeechTurn(logMel: TurnLogMel): void {
    const turns = [...this.speechTurns, logMel];
    const first = Math.min(firstTurnThatFits(turns.map(dualFrontFrames), true), firstTurnThatFits(turns.map((t) => t.frameCount), false));
    this.speechTurns = turns.slice(first);
  }

  private startReply(): void {
    // The prompt is the dialogue up to the user's turn; the reply being written is not part of it.
    const promptDialogue = this.dialogue;
    const { dialogue, id } = startAssistantTurn(this.dialogue);
    this.update(dialogue, { type: 'replyStarted', replyId: id });
    const controller = new AbortController();
    const done = this.runReply(id, promptDialogue, controller.signal).finally(() => {
      if (this.replying?.id === id) this.replying = null;
    });
    this.replying = { id, controller, done };
  }

  private async runReply(id: number, promptDialogue: Dialogue, signal: AbortSignal): Promise<void> {
    const addText = (textDelta: string) => this.update(appendAssistantText(this.dialogue, id, textDelta), { type: 'replyText', replyId: id, textDelta });
    // An empty or hallucinated transcript gets a gentle request to repeat, not a model call.
    const askText = askToRepeatReply(promptDialogue);
    if (askText !== null) {
      addText(askText);
      this.update(finishAssistantTurn(this.dialogue, id, 'complete'), { type: 'replyEnded', replyId: id, outcome: 'complete', notice: null, timingsMs: {} });
      return;
    }
    // Stage timings measured before a failure or an interruption are still reported.
    let speechTimingsMs: Record<string, number> = {};
    try {
      const settings = this.settings();
      const speech = await this.speechFor(settings, signal);
      speechTimingsMs = speech.vectors?.timingsMs ?? {};
      const route: ReplyRoute = speech.vectors
        ? { path: 'speech', dualAttention: settings.dualAttention, crossAttention: settings.crossAttention, speechTokens: speech.vectors.tokens, fallbackReason: null }
        : { ...TEXT_ROUTE, fallbackReason: speech.fallbackReason };
      // The note this prompt carries stays with the turn, so later prompts repeat it and extend this one.
      const userTurn = userTurns(promptDialogue).at(-1)!;
      const note = promptCueNote(userTurn, settings);
      this.update(setReplyRoute(recordCueNote(this.dialogue, userTurn.id, note), id, route), { type: 'replyRouted', replyId: id, route });
      const result = await this.replier.reply(recordCueNote(promptDialogue, userTurn.id, note), settings, addText, signal, speech.vectors);
      const outcome: ReplyOutcome = result.stopReason === 'cancelled' || signal.aborted ? 'interrupted' : 'complete';
      const timingsMs = { ...speechTimingsMs, ...result.timingsMs };
      this.update(finishAssistantTurn(this.dialogue, id, outcome, result.prompt), { type: 'replyEnded', replyId: id, outcome, notice: null, timingsMs });
    } catch (error) {
      const outcome: ReplyOutcome = signal.aborted ? 'interrupted' : 'failed';
      const notice = outcome === 'failed' ? `The reply stopped: ${errorMessage(error)}` : null;
      this.update(finishAssistantTurn(this.dialogue, id, outcome), { type: 'replyEnded', replyId: id, outcome, notice, timingsMs: speechTimingsMs });
    }
  }

  /** The speech vectors when the speech path is asked for and can run; otherwise why the text path answers. */
  private async speechFor(settings: ReplySettings, signal: AbortSignal): Promise<{ vectors: SpeechVectorsResult | null; fallbackReason: string | null }> {
    if (settings.answerPath === 'text') return { vectors: null, fallbackReason: null };
    const side = this.speechSide();
    // Under "auto" a pack without the speech path answers by text by choice; a fallback is only what was asked for and failed.
    if (!side.available) return { vectors: null, fallbackReason: settings.answerPath === 'auto' && side.absent ? null : side.reason };
    if (this.speechTurns.length === 0) return { vectors: null, fallbackReason: 'the turn has no log-mel for the speech path' };
    try {
      return { vectors: await side.encoder.encode(this.speechTurns, { dualAttention: settings.dualAttention }, signal), fallbackReason: null };
    } catch (error) {
      if (signal.aborted) throw error;
      return { vectors: null, fallbackReason: `the speech path failed: ${errorMessage(error)}` };
    }
  }
}
