// Kokoro-82M v1.0's forward (KModel.forward_with_tokens) as one ONNX graph with the onnx-community export's contract:
// input_ids int64 [1, T] (pad 0 at both ends), style float32 [1, 256], speed float32 [1] -> waveform float32 [samples].
import { attr, GraphBuilder } from '../../tinyPack/onnxGraph';
import { ScaleWeights } from '../scaleWeights';
import { albert } from './albert';
import { decoder } from './decoder';
import type { KokoroDims } from './kokoroConfig';
import { KokoroLayers } from './kokoroLayers';
import { durationEncoder, durationsAndAlignment, f0AndEnergy, textEncoder } from './prosody';

export type KokoroFormat = 'fp32' | 'q8';

export interface KokoroGraph {
  bytes: Uint8Array;
  parameters: number;
  opHistogram: Record<string, number>;
}

/** `withDurations` adds an int64 [T] output "durations" (frames per phoneme) for tests; the pack's graphs have only the waveform. */
export function kokoroGraph(dims: KokoroDims, format: KokoroFormat, seed: number, { withDurations = false } = {}): KokoroGraph {
  const g = new GraphBuilder();
  const w = new ScaleWeights(g, seed, format);
  const l = new KokoroLayers(g, w, seed);
  const { c } = l;
  const styleWidth = dims.style;
  const inputIds = g.input('input_ids', 'int64', [1, 'sequence_length']);
  const style = g.input('style', 'float32', [1, 2 * styleWidth]);
  const speed = g.input('speed', 'float32', [1]);
  // ref_s: the first half styles the decoder (timbre), the second the prosody.
  const [decoderStyle, prosodyStyle] = g.opN('Split', [style, c.ints([styleWidth, styleWidth])], 2, { axis: attr.i(1) });

  const bertFeatures = l.linear(albert(l, inputIds, dims), { name: 'bert_encoder', inFeatures: dims.albert.hidden, outFeatures: dims.hidden, bias: true });
  const encoded = durationEncoder(l, bertFeatures, prosodyStyle!, dims);
  const { durations, alignment } = durationsAndAlignment(l, encoded, speed, dims);
  const alongFrames = (phonemeFeatures: string) => g.op('MatMul', [phonemeFeatures, alignment]);
  const en = alongFrames(g.op('Transpose', [encoded], { perm: attr.ints([0, 2, 1]) }));
  const { f0, energy } = f0AndEnergy(l, en, prosodyStyle!, dims);
  const asr = alongFrames(textEncoder(l, inputIds, dims));
  const audio = decoder(l, asr, f0, energy, decoderStyle!, dims);
  g.output('waveform', 'float32', ['num_samples'], g.op('Reshape', [audio, c.ints([-1])]));
  if (withDurations) g.output('durations', 'int64', ['sequence_length'], durations);

  const opHistogram = g.opHistogram();
  const bytes = g.model('kokoro_82m_v1_0', { extraOpsets: format === 'q8' ? [{ domain: 'com.microsoft', version: 1 }] : [] });
  return { bytes, parameters: w.parameters, opHistogram };
}
