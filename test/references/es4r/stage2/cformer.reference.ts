// Reference CFormer adapter (tests only): pre-CIF layers -> CIF -> cif_proj (d-1 -> d) -> post-CIF layers
// -> token_embed_proj (d -> LLM hidden). Input: Whisper encoder output [T, d]; output [N, H].
import { cifReference } from './cif.reference';
import { encoderLayersReference } from './encoderLayer.reference';
import { linear, type Matrix } from './math.reference';
import type { CformerWeights } from '../../../../scripts/es4r/graphs/stage2/weights';

export function cformerReference(x: Matrix, w: CformerWeights): { speech: Matrix; tokenCount: number } {
  const pre = encoderLayersReference(x, w.preLayers);
  const { fired, tokenCount } = cifReference(pre);
  const projected = linear(fired, w.cifProj.weight, w.cifProj.outFeatures, w.cifProj.bias);
  const post = encoderLayersReference(projected, w.postLayers);
  return { speech: linear(post, w.tokenEmbedProj.weight, w.tokenEmbedProj.outFeatures, w.tokenEmbedProj.bias), tokenCount };
}
