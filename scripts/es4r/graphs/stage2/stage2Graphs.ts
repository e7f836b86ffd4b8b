// ONNX models for ES4R Stage 2 (IR 8, opset 17, batch 1, float32). Input/output names and dims:
//
//  buildEncoderLayersModel(layers)   hidden [1, frames, d]            -> hidden_out [1, frames, d]
//  buildCifModel(d)                  hidden [1, frames, d]            -> fired [1, tokens, d-1],
//                                                                        alphas [frames], token_count [] int64
//  buildCformerModel(w)              encoder_hidden [1, frames, d]    -> speech_embeds [1, tokens, H],
//                                                                        token_count [] int64
//  buildCrossAttentionModel(w)       speech [1, speech_len, H],
//                                    history [1, history_len, H]      -> fused [1, speech_len, H]
//
// `frames` is the Whisper encoder output length after the (valid - 1) // 2 + 1 cut; `tokens` = N is decided by
// CIF inside the graph (data-dependent, no Loop needed); H is the LLM hidden size.
import { attr, GraphBuilder } from '../../../tinyPack/onnxGraph';
import { addCif } from './cifGraph';
import { addCrossAttention } from './crossAttentionGraph';
import { addEncoderLayers, addLinear } from './onnxLayers';
import type { CformerWeights, CrossAttentionWeights, EncoderLayerWeights } from './weights';

const INT64 = 7;

export function buildEncoderLayersModel(layers: readonly EncoderLayerWeights[]): Uint8Array {
  const first = layers[0];
  if (!first) throw new Error('buildEncoderLayersModel: no layers');
  const g = new GraphBuilder();
  const x = g.input('hidden', 'float32', [1, 'frames', first.dModel]);
  g.output('hidden_out', 'float32', [1, 'frames', first.dModel], addEncoderLayers(g, x, layers, 'layers'));
  return g.model('es4r_encoder_layers');
}

export function buildCifModel(dModel: number): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('hidden', 'float32', [1, 'frames', dModel]);
  const out = addCif(g, x, dModel, 'cif');
  g.output('fired', 'float32', [1, 'tokens', dModel - 1], out.fired);
  g.output('alphas', 'float32', ['frames'], out.alphas);
  g.output('token_count', 'int64', [], g.op('Cast', [out.tokenCount], { to: attr.i(INT64) }));
  return g.model('es4r_cif');
}

export function buildCformerModel(w: CformerWeights): Uint8Array {
  const d = w.dModel;
  const g = new GraphBuilder();
  const x = g.input('encoder_hidden', 'float32', [1, 'frames', d]);
  const pre = addEncoderLayers(g, x, w.preLayers, 'pre_cif_layers');
  const cif = addCif(g, pre, d, 'cif');
  const projected = addLinear(g, cif.fired, 'cif_proj', w.cifProj.weight, d, d - 1, w.cifProj.bias);
  const post = addEncoderLayers(g, projected, w.postLayers, 'post_cif_layers');
  const speech = addLinear(g, post, 'token_embed_proj', w.tokenEmbedProj.weight, w.llmHidden, d, w.tokenEmbedProj.bias);
  g.output('speech_embeds', 'float32', [1, 'tokens', w.llmHidden], speech);
  g.output('token_count', 'int64', [], g.op('Cast', [cif.tokenCount], { to: attr.i(INT64) }));
  return g.model('es4r_cformer_adapter');
}

export function buildCrossAttentionModel(w: CrossAttentionWeights): Uint8Array {
  const g = new GraphBuilder();
  const speech = g.input('speech', 'float32', [1, 'speech_len', w.embed]);
  const history = g.input('history', 'float32', [1, 'history_len', w.embed]);
  g.output('fused', 'float32', [1, 'speech_len', w.embed], addCrossAttention(g, speech, history, w, 'cross_attn'));
  return g.model('es4r_cross_attention');
}
