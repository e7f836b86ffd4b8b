// ES4R's speech side, Stages 1-2 up to the adapter: the user turns' log-mels -> dual-level affective attention ->
// pseudo-mel -> the pack's Whisper encoder (injected: the ASR model, loaded once) -> cut -> CFormer -> speech vectors.
import * as ort from 'onnxruntime-web';
import { padTurns, whisperOutputFrames } from '../stage1/padTurns';
import { MEL_BINS, WHISPER_MEL_FRAMES } from '../stage1/stage1Types';
import type { Es4rConfig } from './es4rConfig';
import { DUAL_FRONT_MAX_FRAMES, dualFrontFrames, firstTurnThatFits, rawMelWindow, type TurnLogMel } from './frontPlan';
import { GraphSession } from '../../runtime/graphSession';
import { ES4R_REMEDY } from './es4rConfig';

/** Whisper's encoder on a [80, 3000] window: last_hidden_state [frames, dModel]. */
export type WhisperEncode = (window: Float32Array) => Promise<{ data: Float32Array; frames: number; dModel: number }>;

/** The speech vectors of the dialogue's user turns, for the LLM prompt. */
export interface SpeechVectors {
  /** [tokens, hidden] row-major. */
  data: Float32Array;
  tokens: number;
  hidden: number;
  /** Pseudo-mel frames L (before the padding to 3000) and the Whisper rows the adapter read. */
  frontFrames: number;
  whisperFrames: number;
  /** Latest user turns that fit Whisper's window; older ones are left out. */
  turnsUsed: number;
  dualAttention: boolean;
  timingsMs: { speechFront: number; speechWhisper: number; speechAdapter: number };
}

export interface Es4rGraphBytes {
  subsampler: Uint8Array;
  affectAttention: Uint8Array;
  adapter: Uint8Array;
}

const FRONT_GRAPHS = ['subsampler', 'affectAttention', 'adapter'] as const;

export class SpeechEncoder {
  private running = false;

  private constructor(
    private readonly config: Es4rConfig,
    private readonly graphs: Record<(typeof FRONT_GRAPHS)[number], GraphSession>,
  ) {}

  static async create(config: Es4rConfig, bytes: Es4rGraphBytes): Promise<SpeechEncoder> {
    const graphs = {} as Record<(typeof FRONT_GRAPHS)[number], GraphSession>;
    try {
      for (const name of FRONT_GRAPHS) {
        const file = config.files[name];
        graphs[name] = await GraphSession.create(`the ES4R ${name} graph`, bytes[name], file.inputs, file.outputs, ES4R_REMEDY);
      }
    } catch (error) {
      await Promise.all(Object.values(graphs).map((graph) => graph.release()));
      throw error;
    }
    return new SpeechEncoder(config, graphs);
  }

  /** Whisper d_model the adapter was trained on; the pack's Whisper must match it. */
  get whisperDModel(): number {
    return this.config.dims.whisperDModel;
  }

  /** The speech vectors of `turns` (the dialogue's user turns, oldest first; at least one). */
  async encode(turns: readonly TurnLogMel[], whisper: WhisperEncode, { dualAttention }: { dualAttention: boolean }): Promise<SpeechVectors> {
    if (turns.length === 0) throw new RangeError('SpeechEncoder.encode: no user turns');
    const wrongBins = turns.find((turn) => turn.nMels !== MEL_BINS);
    if (wrongBins) throw new Error(`the ES4R front takes ${MEL_BINS} mel bins, the turns have ${wrongBins.nMels} (set Settings > mel bins to 80)`);
    if (this.running) throw new Error('SpeechEncoder.encode called again before the previous call finished');
    this.running = true;
    try {
      const startMs = performance.now();
      const sizes = turns.map((turn) => (dualAttention ? dualFrontFrames(turn) : turn.frameCount));
      const kept = turns.slice(firstTurnThatFits(sizes, dualAttention));
      if (kept.length === 0) throw new RangeError(`the latest turn alone is longer than the front's ${dualAttention ? DUAL_FRONT_MAX_FRAMES : WHISPER_MEL_FRAMES}-frame window`);
      const front = dualAttention ? await this.affectFront(kept) : rawFront(kept);
      const whisperStartMs = performance.now();
      const hidden = await whisper(front.window);
      if (hidden.dModel !== this.config.dims.whisperDModel) {
        throw new Error(`the ES4R component was trained with a Whisper of d_model ${this.config.dims.whisperDModel}, the pack's speech recognition model has ${hidden.dModel}`);
      }
      const whisperFrames = Math.min(hidden.frames, front.whisperFrames);
      const adapterStartMs = performance.now();
      const out = await this.graphs.adapter.run(
        { encoder_hidden: new ort.Tensor('float32', hidden.data.slice(0, whisperFrames * hidden.dModel), [1, whisperFrames, hidden.dModel]) },
        ['speech_embeds'],
      );
      const endMs = performance.now();
      const [, tokens = 0, size = 0] = out.speech_embeds.dims;
      return {
        data: out.speech_embeds.data as Float32Array,
        tokens,
        hidden: size,
        frontFrames: front.frames,
        whisperFrames,
        turnsUsed: kept.length,
        dualAttention,
        timingsMs: { speechFront: whisperStartMs - startMs, speechWhisper: adapterStartMs - whisperStartMs, speechAdapter: endMs - adapterStartMs },
      };
    } finally {
      this.running = false;
    }
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.graphs).map((graph) => graph.release()));
  }

  /** Stage 1: the subsampler per turn (batch 1), then the dual-level attention over the padded turns. */
  private async affectFront(turns: readonly TurnLogMel[]): Promise<Front> {
    const features = [];
    for (const turn of turns) {
      const out = await this.graphs.subsampler.run({ mel: new ort.Tensor('float32', turn.data, [1, MEL_BINS, turn.frameCount]) }, ['features']);
      features.push({ features: out.features.data as Float32Array, frames: out.features.dims[1]! });
    }
    const padded = padTurns(features);
    const out = await this.graphs.affectAttention.run(
      {
        turn_features: new ort.Tensor('float32', padded.data, [padded.turns, padded.maxFrames, MEL_BINS]),
        key_padding_mask: new ort.Tensor('bool', Uint8Array.from(padded.mask, (masked) => (masked ? 1 : 0)), [padded.turns, padded.maxFrames]),
      },
      ['pseudo_mel', 'whisper_frames'],
    );
    return { window: out.pseudo_mel.data as Float32Array, frames: padded.turns * padded.maxFrames, whisperFrames: Number((out.whisper_frames.data as BigInt64Array)[0]) };
  }
}

/** Whisper's input window, its frames L before the padding to 3000, and the encoder rows the release keeps. */
interface Front {
  window: Float32Array;
  frames: number;
  whisperFrames: number;
}

/** The ablation's front: raw log-mels without padding, so every frame is real. */
function rawFront(turns: readonly TurnLogMel[]): Front {
  const raw = rawMelWindow(turns);
  return { ...raw, whisperFrames: whisperOutputFrames(raw.frames) };
}
