import type { TurnAudio } from '../models/asr/transcriber';
import type { Turn } from '../turns/turn';
import { measureCues, type CueSwitches } from './affectCues';
import { appendAssistantText, appendUserTurn, finishAssistantTurn, markReplyInterrupted, newDialogue, startAssistantTurn, userTurns, type Dialogue, type ReplyOutcome } from './dialogue';
import { askToRepeatReply } from './prompt';
import { strategyFor } from './strategy';
import { errorMessage } from '../errorMessage';

/** Speech to text; in the page a worker client, in Node the engine itself. */
export interface Transcriber {
  transcribe(audio: TurnAudio, signal?: AbortSignal): Promise<{ text: string; timingsMs: Record<string, number> }>;
}

/** Reply length cap; 128 is the ES4R release's default. */
export const DEFAULT_MAX_NEW_TOKENS = 128;

export interface ReplySettings {
  cues: CueSwitches;
  affectCuesInPrompt: boolean;
  tauDb: number;
  maxNewTokens: number;
}

/** Dialogue to a streamed reply; the prompt is built where the tokenizer is, to count tokens exactly. */
export interface Replier {
  reply(
    dialogue: Dialogue,
    settings: ReplySettings,
    onText: (textDelta: string) => void,
    signal: AbortSignal,
  ): Promise<{ text: string; stopReason: 'eos' | 'maxTokens' | 'cancelled'; timingsMs: Record<string, number> }>;
}

/** What happened, for the page and the CLI; every event carries the dialogue after it. */
export type ConversationEvent =
  | { type: 'transcribing'; turnIndex: number }
  | { type: 'userTurn'; userTurnId: number; timingsMs: Record<string, number> }
  | { type: 'replyStarted'; replyId: number }
  | { type: 'replyText'; replyId: number; textDelta: string }
  | { type: 'replyEnded'; replyId: number; outcome: ReplyOutcome; notice: string | null; timingsMs: Record<string, number> };


/**
 * ES4R's text path, turn by turn: transcribe, measure the affect cues, then answer. A turn that
 * arrives while a reply is being generated cancels it (marked interrupted) before its own work.
 */
export class Conversation {
  private dialogue: Dialogue = newDialogue();
  private replying: { id: number; controller: AbortController; done: Promise<void> } | null = null;
  /** Turns are handled strictly in order, each after the previous one's transcription. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly transcriber: Transcriber,
    private readonly replier: Replier,
    private readonly settings: () => ReplySettings,
    private readonly emit: (event: ConversationEvent, dialogue: Dialogue) => void,
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
    await this.interrupt();
    this.dialogue = markReplyInterrupted(this.dialogue, replyId);
    this.emit({ type: 'replyEnded', replyId, outcome: 'interrupted', notice: null, timingsMs: {} }, this.dialogue);
  }

  async reset(): Promise<void> {
    await this.interrupt();
    this.dialogue = newDialogue();
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
    const transcript = await this.transcriber.transcribe({ pcm16k: turn.pcm16k, logMel: { data: turn.logMel, nMels: turn.nMels, frameCount: turn.frameCount } });
    const earlierDb = userTurns(this.dialogue).map((t) => t.energyDb);
    const { strategy, deltaDb } = strategyFor([...earlierDb, turn.energyDb], this.settings().tauDb);
    const input = { transcript: transcript.text, startMs: turn.startMs, endMs: turn.endMs, energyDb: turn.energyDb, energy: turn.energy, speechFrames: turn.speechFrames, strategy, deltaDb };
    const cues = measureCues(input, this.dialogue);
    const withUser = appendUserTurn(this.dialogue, { transcript: transcript.text, startMs: turn.startMs, endMs: turn.endMs, energyDb: turn.energyDb, strategy, deltaDb, cues });
    const userTurn = userTurns(withUser).at(-1)!;
    this.update(withUser, { type: 'userTurn', userTurnId: userTurn.id, timingsMs: transcript.timingsMs });
    this.startReply();
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
    try {
      const result = await this.replier.reply(promptDialogue, this.settings(), addText, signal);
      const outcome: ReplyOutcome = result.stopReason === 'cancelled' || signal.aborted ? 'interrupted' : 'complete';
      this.update(finishAssistantTurn(this.dialogue, id, outcome), { type: 'replyEnded', replyId: id, outcome, notice: null, timingsMs: result.timingsMs });
    } catch (error) {
      const outcome: ReplyOutcome = signal.aborted ? 'interrupted' : 'failed';
      const notice = outcome === 'failed' ? `The reply stopped: ${errorMessage(error)}` : null;
      this.update(finishAssistantTurn(this.dialogue, id, outcome), { type: 'replyEnded', replyId: id, outcome, notice, timingsMs: {} });
    }
  }
}
