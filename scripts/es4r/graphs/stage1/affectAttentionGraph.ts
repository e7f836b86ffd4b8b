// ONNX graph of ES4R Stage 1's dual-level affective attention (IR 8, opset 17), weights as initializers.
// ONE MultiheadAttention(80, 16) module, its initializers used twice (intra-turn, then inter-turn).
//   input  `turn_features`    float32 [turns, max_frames, 80]  subsampled turns, zero-padded to the longest
//   input  `key_padding_mask` bool    [turns, max_frames]      true = padding frame (masked as key only)
//   output `intra`            float32 [turns, max_frames, 80]  intra-turn attention output
//   output `sequence`         float32 [1, length, 80]          inter-turn output, length = turns*max_frames
//                                                              (the release's padding stays in the sequence)
//   output `pseudo_mel`       float32 [1, 80, 3000]            `sequence` transposed, zero right-padded
//                                                              (length must be <= 3000, else Pad fails)
//   output `whisper_frames`   int64   [1]                      (real - 1) // 2 + 1: Whisper encoder frames to keep,
//                                                              real = frames not masked (the release's cut)
import { attr, GraphBuilder } from '../../../tinyPack/onnxGraph';
import { addAttentionInits, attentionOp, int64Const } from './graphOps';
import { MEL_BINS, WHISPER_MEL_FRAMES, type MultiheadAttentionWeights } from '../../../../src/models/es4r/stage1/stage1Types';

export const AFFECT_INPUTS = { features: 'turn_features', mask: 'key_padding_mask' } as const;
export const AFFECT_OUTPUTS = { intra: 'intra', sequence: 'sequence', pseudoMel: 'pseudo_mel', whisperFrames: 'whisper_frames' } as const;

export function buildAffectAttentionGraph(weights: MultiheadAttentionWeights): Uint8Array {
  if (weights.embedDim !== MEL_BINS) throw new Error('buildAffectAttentionGraph: embedDim must be 80');
  const g = new GraphBuilder('aff/');
  const x = g.input(AFFECT_INPUTS.features, 'float32', ['turns', 'max_frames', MEL_BINS]);
  const mask = g.input(AFFECT_INPUTS.mask, 'bool', ['turns', 'max_frames']);
  const a = addAttentionInits(g, weights, 'mha');

  const intra = attentionOp(g, a, x, mask);
  const sequenceIn = g.op('Reshape', [intra, int64Const(g, 'seq_shape', [1, -1, MEL_BINS])]);
  const sequenceMask = g.op('Reshape', [mask, int64Const(g, 'seq_mask_shape', [1, -1])]);
  const sequence = attentionOp(g, a, sequenceIn, sequenceMask);

  const length = g.op('Shape', [sequence], { start: attr.i(1), end: attr.i(2) }); // int64 [1]
  const padRight = g.op('Sub', [int64Const(g, 'mel_frames', [WHISPER_MEL_FRAMES]), length]);
  const pads = g.op('Concat', [int64Const(g, 'pads_head', [0, 0, 0, 0, 0]), padRight], { axis: attr.i(0) });
  const melT = g.op('Transpose', [sequence], { perm: attr.ints([0, 2, 1]) });
  const pseudoMel = g.op('Pad', [melT, pads], { mode: attr.s('constant') });
  const one = int64Const(g, 'one', [1]);
  const realFlat = g.op('Reshape', [g.op('Cast', [g.op('Not', [mask])], { to: attr.i(7) }), int64Const(g, 'flat_shape', [-1])]);
  const realFrames = g.op('ReduceSum', [realFlat, int64Const(g, 'sum_axes', [0])], { keepdims: attr.i(1) }); // int64 [1]
  const whisperFrames = g.op('Add', [g.op('Div', [g.op('Sub', [realFrames, one]), int64Const(g, 'two', [2])]), one]);

  g.output(AFFECT_OUTPUTS.intra, 'float32', ['turns', 'max_frames', MEL_BINS], intra);
  g.output(AFFECT_OUTPUTS.sequence, 'float32', [1, 'length', MEL_BINS], sequence);
  g.output(AFFECT_OUTPUTS.pseudoMel, 'float32', [1, MEL_BINS, WHISPER_MEL_FRAMES], pseudoMel);
  g.output(AFFECT_OUTPUTS.whisperFrames, 'int64', [1], whisperFrames);
  return g.model('es4r_stage1_affect_attention');
}
