// The two Whisper checkpoints of the scale packs (openai/whisper-tiny, openai/whisper-base): their config.json
// dimensions, alignment heads, and the parameter counts that follow from the config (HF WhisperModel layout).

export interface WhisperArchitecture {
  /** Hub name the config's _name_or_path carries. */
  name: string;
  dModel: number;
  encoderLayers: number;
  decoderLayers: number;
  heads: number;
  ffnDim: number;
  /** Cross-attention heads that follow the audio timing (openai/whisper's _ALIGNMENT_HEADS, [layer, head]). */
  alignmentHeads: [number, number][];
  /** The public total ("39M") and where it is printed. */
  publicParameters: number;
  publicParametersSource: string;
}

export const VOCAB_SIZE = 51865;
export const MEL_BINS = 80;
/** 30 s of log-mel at 100 frames/s; conv2's stride 2 halves it to the encoder's 1500 positions. */
export const MEL_FRAMES = 3000;
export const SOURCE_POSITIONS = 1500;
export const TARGET_POSITIONS = 448;
export const CONV_KERNEL = 3;

const PAPER = 'Radford et al. 2022 (Whisper), Table 1, and the openai/whisper model cards';

export const WHISPER_TINY: WhisperArchitecture = {
  name: 'openai/whisper-tiny',
  dModel: 384,
  encoderLayers: 4,
  decoderLayers: 4,
  heads: 6,
  ffnDim: 1536,
  alignmentHeads: [[2, 2], [3, 0], [3, 2], [3, 3], [3, 4], [3, 5]],
  publicParameters: 39e6,
  publicParametersSource: PAPER,
};

export const WHISPER_BASE: WhisperArchitecture = {
  name: 'openai/whisper-base',
  dModel: 512,
  encoderLayers: 6,
  decoderLayers: 6,
  heads: 8,
  ffnDim: 2048,
  alignmentHeads: [[3, 1], [4, 2], [4, 3], [4, 7], [5, 1], [5, 2], [5, 4], [5, 6]],
  publicParameters: 74e6,
  publicParametersSource: PAPER,
};

export const headDim = (a: WhisperArchitecture): number => a.dModel / a.heads;

/** q, k (no bias), v, out projections of one attention block. */
const attentionParameters = (d: number): number => 4 * d * d + 3 * d;
const feedForwardParameters = (d: number, ffn: number): number => 2 * d * ffn + ffn + d;
const layerNormParameters = (d: number): number => 2 * d;

/** Conv front, sinusoidal positions (a stored table), pre-LN layers, final LayerNorm. */
export function encoderParameters(a: WhisperArchitecture): number {
  const d = a.dModel;
  const convs = MEL_BINS * d * CONV_KERNEL + d + d * d * CONV_KERNEL + d;
  const layer = attentionParameters(d) + feedForwardParameters(d, a.ffnDim) + 2 * layerNormParameters(d);
  return convs + SOURCE_POSITIONS * d + a.encoderLayers * layer + layerNormParameters(d);
}

/** Token and learned position tables, self- and cross-attention layers, final LayerNorm; proj_out is tied. */
export function decoderParameters(a: WhisperArchitecture): number {
  const d = a.dModel;
  const layer = 2 * attentionParameters(d) + feedForwardParameters(d, a.ffnDim) + 3 * layerNormParameters(d);
  return VOCAB_SIZE * d + TARGET_POSITIONS * d + a.decoderLayers * layer + layerNormParameters(d);
}
