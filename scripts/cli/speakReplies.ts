// `converse --tts`: speaks each reply in-process the way the page does, and measures time to first audio.
import { concatFloat32 } from '../../src/concatArrays';
import type { ConversationEvent } from '../../src/conversation/conversation';
import { userTurns, type Dialogue } from '../../src/conversation/dialogue';
import { ReplySpeech } from '../../src/conversation/replySpeech';
import { blendVoices, fuseStyles, voiceFor, voiceWithStyle, type StyleSource, type TurnStyle } from '../../src/conversation/voiceStyle';
import type { Turn } from '../../src/turns/turn';
import { synthesize } from '../../src/models/tts/kokoroSpeaker';
import type { NodeVoice } from './loadPackInNode';

export interface SpokenReply {
  audio24k: Float32Array;
  voice: { strategy: string; speed: number; styleSource: StyleSource };
  /** From the moment the turn was handed over to the first synthesized sample; null if nothing was spoken. */
  ttfaMs: number | null;
  notices: string[];
}

/** Follows a Conversation's events and voices each reply; `take()` returns the last reply once spoken. */
export class ReplySpeaker {
  private speech: ReplySpeech | null = null;
  private reply: SpokenReply | null = null;
  private done: Promise<void> = Promise.resolve();
  private turnStartMs = 0;
  private readonly chunks: Float32Array[] = [];
  private readonly turnStyles: TurnStyle[] = [];

  constructor(private readonly voice: NodeVoice) {}

  /** The user's turn has ended now (the time to first audio counts from here); with an encoder, its style is taken. */
  async turnEnded(turn: Turn): Promise<void> {
    this.turnStartMs = performance.now();
    if (this.voice.styleEncoder && turn.energyMean > 0) this.turnStyles.push({ style: await this.voice.styleEncoder.styleOf(turn.pcm16k), energy: turn.energyMean });
  }

  onEvent(event: ConversationEvent, dialogue: Dialogue): void {
    if (event.type === 'replyStarted') this.start(dialogue);
    if (event.type === 'replyText') this.speech?.push(event.textDelta);
    if (event.type === 'replyEnded' && this.speech) this.done = this.speech.finish();
  }

  async take(): Promise<SpokenReply | null> {
    await this.done;
    const reply = this.reply;
    if (reply) reply.audio24k = concatFloat32(this.chunks);
    this.reply = null;
    this.speech = null;
    this.chunks.length = 0;
    return reply;
  }

  private start(dialogue: Dialogue): void {
    const strategy = userTurns(dialogue).at(-1)?.strategy ?? 'neutral';
    const choice = voiceFor(strategy, this.voice.presets);
    const base = blendVoices(this.voice.tables, choice.voiceMix);
    const useEncoder = this.turnStyles.length > 0;
    const table = useEncoder ? voiceWithStyle(base, fuseStyles(this.turnStyles)) : base;
    const styleSource: StyleSource = useEncoder ? 'encoder' : 'presets';
    const reply: SpokenReply = { audio24k: new Float32Array(0), voice: { strategy, speed: choice.speed, styleSource }, ttfaMs: null, notices: [] };
    this.reply = reply;
    this.speech = new ReplySpeech(
      { synthesize: async (text, signal) => (await synthesize(this.voice.bundle, text, { style: null, voice: table, speed: choice.speed, signal })).audio },
      (chunk) => {
        reply.ttfaMs ??= performance.now() - this.turnStartMs;
        this.chunks.push(chunk.audio24k);
      },
      (notice) => reply.notices.push(notice),
    );
  }
}
