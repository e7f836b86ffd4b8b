// Reference of the ES4R Stage 1 subsampler (one turn): 3 x (Conv1d 80->160, k5 s2 p2 ; GLU -> 80),
// then x + fc2(gelu(fc1(x))) (no biases), then LayerNorm(80). Tests only.
import { CONV_CHANNELS, CONV_KERNEL, CONV_PADDING, CONV_STRIDE, LAYER_NORM_EPS, MEL_BINS, type SubsamplerWeights } from '../../../../src/models/es4r/stage1/stage1Types';
import { conv1d, gelu, glu, layerNorm, linear, transpose, type Signal } from './tensorMath.reference';

/**
 * One turn's log-mel [80, T] (row-major, Whisper layout) -> features [T', 80] (row-major, frame-major),
 * T' = subsampledLength(T).
 */
export function subsampleReference(mel: Float32Array, melFrames: number, weights: SubsamplerWeights): { features: Float32Array; frames: number } {
  if (mel.length !== MEL_BINS * melFrames) throw new Error(`subsample: mel has ${mel.length} values, expected 80x${melFrames}`);
  let signal: Signal = { data: mel, channels: MEL_BINS, length: melFrames };
  for (const conv of weights.convs) {
    signal = glu(conv1d(signal, conv.weight, conv.bias, CONV_CHANNELS, CONV_KERNEL, CONV_STRIDE, CONV_PADDING));
  }
  const frames = signal.length;
  const x = transpose(signal.data, MEL_BINS, frames); // [T', 80]
  const hidden = linear(x, frames, MEL_BINS, weights.fc1, weights.hidden);
  for (let i = 0; i < hidden.length; i++) hidden[i] = gelu(hidden[i]!);
  const residual = linear(hidden, frames, weights.hidden, weights.fc2, MEL_BINS);
  for (let i = 0; i < residual.length; i++) residual[i] = residual[i]! + x[i]!;
  return { features: layerNorm(residual, frames, MEL_BINS, weights.lnWeight, weights.lnBias, LAYER_NORM_EPS), frames };
}
