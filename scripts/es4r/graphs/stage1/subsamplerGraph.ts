// ONNX graph of the ES4R Stage 1 subsampler (IR 8, opset 17), weights as initializers.
//   input  `mel`      float32 [batch, 80, mel_frames]  Whisper log-mel of ONE turn (batch = 1 is the contract:
//                                                      batching zero-padded mels would make the padded frames
//                                                      non-zero, unlike the reference's zero padding)
//   output `features` float32 [batch, frames, 80]      frames = subsampledLength(mel_frames) (~mel_frames / 8)
import { attr, GraphBuilder } from '../../../tinyPack/onnxGraph';
import { geluOp, int64Const, transposed } from './graphOps';
import { CONV_CHANNELS, CONV_KERNEL, CONV_PADDING, CONV_STRIDE, LAYER_NORM_EPS, MEL_BINS, type SubsamplerWeights } from '../../../../src/models/es4r/stage1/stage1Types';

export const SUBSAMPLER_INPUT = 'mel';
export const SUBSAMPLER_OUTPUT = 'features';

export function buildSubsamplerGraph(weights: SubsamplerWeights): Uint8Array {
  const g = new GraphBuilder('sub/');
  let x = g.input(SUBSAMPLER_INPUT, 'float32', ['batch', MEL_BINS, 'mel_frames']);
  const split = int64Const(g, 'glu_split', [CONV_CHANNELS / 2, CONV_CHANNELS / 2]);
  weights.convs.forEach((conv, i) => {
    const w = g.init(`conv${i}.weight`, 'float32', [CONV_CHANNELS, MEL_BINS, CONV_KERNEL], conv.weight);
    const b = g.init(`conv${i}.bias`, 'float32', [CONV_CHANNELS], conv.bias);
    const y = g.op('Conv', [x, w, b], {
      kernel_shape: attr.ints([CONV_KERNEL]),
      strides: attr.ints([CONV_STRIDE]),
      pads: attr.ints([CONV_PADDING, CONV_PADDING]),
    });
    const [a, gate] = g.opN('Split', [y, split], 2, { axis: attr.i(1) }) as [string, string];
    x = g.op('Mul', [a, g.op('Sigmoid', [gate])]);
  });
  const frames = g.op('Transpose', [x], { perm: attr.ints([0, 2, 1]) }); // [batch, frames, 80]
  const fc1 = g.init('fc1_t', 'float32', [MEL_BINS, weights.hidden], transposed(weights.fc1, weights.hidden, MEL_BINS));
  const fc2 = g.init('fc2_t', 'float32', [weights.hidden, MEL_BINS], transposed(weights.fc2, MEL_BINS, weights.hidden));
  const hidden = geluOp(g, g.op('MatMul', [frames, fc1]), 'gelu');
  const residual = g.op('Add', [frames, g.op('MatMul', [hidden, fc2])]);
  const lnW = g.init('ln.weight', 'float32', [MEL_BINS], weights.lnWeight);
  const lnB = g.init('ln.bias', 'float32', [MEL_BINS], weights.lnBias);
  const out = g.op('LayerNormalization', [residual, lnW, lnB], { axis: attr.i(-1), epsilon: attr.f(LAYER_NORM_EPS) });
  g.output(SUBSAMPLER_OUTPUT, 'float32', ['batch', 'frames', MEL_BINS], out);
  return g.model('es4r_stage1_subsampler');
}
