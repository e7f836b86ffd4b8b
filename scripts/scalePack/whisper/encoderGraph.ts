// onnx/encoder_model.onnx (fp32) and onnx/encoder_model_quantized.onnx (q8) of a scale Whisper: input_features
// [batch, 80, 3000] -> conv1 (k3 p1) GELU conv2 (k3 s2 p1) GELU -> + sinusoidal positions [1500, d] -> pre-LN
// layers -> LayerNorm -> last_hidden_state [batch, 1500, d].
import { attr, GraphBuilder } from '../../tinyPack/onnxGraph';
import { extraOpsets, ScaleWeights } from '../scaleWeights';
import { CONV_KERNEL, MEL_BINS, MEL_FRAMES, SOURCE_POSITIONS, type WhisperArchitecture } from './architectures';
import { WhisperBlocks } from './blocks';
import type { BuiltGraph } from './builtGraph';

export type EncoderFormat = 'fp32' | 'q8';

/** Whisper's sinusoids(length, channels): sines then cosines, timescales log-spaced from 1 to 10000. */
export function whisperSinusoids(length: number, channels: number): Float32Array {
  const half = channels / 2;
  const increment = Math.log(10000) / (half - 1);
  const out = new Float32Array(length * channels);
  for (let t = 0; t < length; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.exp(-increment * i);
      out[t * channels + i] = Math.sin(angle);
      out[t * channels + half + i] = Math.cos(angle);
    }
  }
  return out;
}

export function buildEncoder(a: WhisperArchitecture, format: EncoderFormat, seed: number): BuiltGraph {
  const g = new GraphBuilder('enc/');
  const w = new ScaleWeights(g, seed, format);
  const blocks = new WhisperBlocks(g, w, a, 'model.encoder');
  const d = a.dModel;
  const features = g.input('input_features', 'float32', ['batch_size', MEL_BINS, MEL_FRAMES]);
  const conv = { outChannels: d, kernel: CONV_KERNEL, padding: 1, bias: true };
  const h1 = blocks.gelu(w.conv1d(features, { ...conv, name: 'model.encoder.conv1', inChannels: MEL_BINS }));
  const h2 = blocks.gelu(w.conv1d(h1, { ...conv, name: 'model.encoder.conv2', inChannels: d, stride: 2 }));
  const positions = w.float('model.encoder.embed_positions.weight', [SOURCE_POSITIONS, d], whisperSinusoids(SOURCE_POSITIONS, d));
  let x = g.op('Add', [g.op('Transpose', [h2], { perm: attr.ints([0, 2, 1]) }), positions]);
  for (let layer = 0; layer < a.encoderLayers; layer++) x = blocks.encoderLayer(x, `model.encoder.layers.${layer}`);
  g.output('last_hidden_state', 'float32', ['batch_size', SOURCE_POSITIONS, d], blocks.layerNorm(x, 'model.encoder.layer_norm'));
  return { bytes: g.model('whisper_encoder', { extraOpsets: extraOpsets(format) }), format, parameters: w.parameters, opHistogram: g.opHistogram() };
}
