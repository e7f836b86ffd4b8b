// The page's way of voicing a reply (speechSession: strategy preset, the turns' fused style, ReplySpeech over the
// chunker) in Node, speaking the reply as the model writes it and noting when the first clause and audio came.
import type { ConversationEvent } from '../../../src/conversation/conversation';
import { userTurns, type Dialogue } from '../../../src/conversation/dialogue';
import { ReplySpeech } from '../../../src/conversation/replySpeech';
import { blendVoices, fuseStyles, voiceFor, voiceWithStyle, type TurnStyle } from '../../../src/conversation/voiceStyle';
import { synthesize } from '../../../src/models/tts/kokoroSpeaker';
import { ttsTimings } from '../../../src/models/tts/ttsTimings';
import type { Turn } from '../../../src/turns/turn';
import type { NodeVoice } from '../../cli/loadPackInNode';
import type { DecodeGate } from '../../../src/models/llm/decodeGate';

export interface SpeechMarks {
  /** performance.now() of the first chunk handed to the TTS, and of its audio coming back; null until they happen. */
  firstClauseAtMs: number | null;
  firstAudioAtMs: number | null;
  firstClauseText: string | null;
  /** The first chunk's synthesis as the TTS measured it (ttsTimings). */
  firstChunkTimingsMs: { ttsText: number; ttsModel: number } | null;
}

export class BenchSpeaker {
  private speech: { speech: ReplySpeech; marks: SpeechMarks } | null = null;
  private done: Promise<void> = Promise.resolve();
  private readonly turnStyles: Promise<TurnStyle | null>[] = [];

  /** `decodeGate`: held while a reply's first chunk is synthesized, as speechSession holds the LLM workers (null: never). */
  constructor(
    private readonly voice: NodeVoice,
    private readonly decodeGate: DecodeGate | null,
  ) {}

  /** As the page does when a turn is handed over: with a style encoder, the turn's style starts being taken. */
  turnHandedOver(turn: Turn): void {
    const encoder = this.voice.styleEncoder;
    if (encoder && turn.energyMean > 0) this.turnStyles.push(encoder.styleOf(turn.pcm16k).then((style) => ({ style, energy: turn.energyMean })));
  }

  onEvent(event: ConversationEvent, dialogue: Dialogue): void {
    const current = this.speech;
    if (event.type === 'replyStarted') this.start(dialogue);
    if (!current) return;
    if (event.type === 'replyText') current.speech.push(event.textDelta);
    if (event.type === 'replyEnded') this.done = current.speech.finish();
  }

  /** The marks of the reply being spoken (live: they fill in as it is spoken). */
  get marks(): SpeechMarks | null {
    return this.speech?.marks ?? null;
  }

  /** Resolves once the reply is wholly synthesized. */
  async finished(): Promise<void> {
    await this.done;
  }

  private start(dialogue: Dialogue): void {
    const strategy = userTurns(dialogue).at(-1)?.strategy ?? 'neutral';
    const choice = voiceFor(strategy, this.voice.presets);
    const base = blendVoices(this.voice.tables, choice.voiceMix);
    const styles = Promise.all(this.turnStyles).then((all) => all.filter((s): s is TurnStyle => s !== null && s.energy > 0));
    const marks: SpeechMarks = { firstClauseAtMs: null, firstAudioAtMs: null, firstClauseText: null, firstChunkTimingsMs: null };
    const speech = new ReplySpeech(
      {
        synthesize: async (text, signal) => {
          const urgent = marks.firstClauseAtMs === null;
          if (urgent) {
            marks.firstClauseAtMs = performance.now();
            marks.firstClauseText = text;
            this.decodeGate?.hold();
          }
          try {
            const fused = await styles;
            const table = fused.length > 0 ? voiceWithStyle(base, fuseStyles(fused)) : base;
            const speech = await synthesize(this.voice.bundle, text, { style: null, voice: table, speed: choice.speed, signal });
            if (urgent) marks.firstChunkTimingsMs = ttsTimings(speech.timingsMs);
            return speech.audio;
          } finally {
            if (urgent) this.decodeGate?.release();
          }
        },
      },
      () => {
        marks.firstAudioAtMs ??= performance.now();
      },
      (notice) => process.stderr.write(`bench:turn: ${notice}\n`),
    );
    this.speech = { speech, marks };
  }
}
