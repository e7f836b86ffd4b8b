// Writes an ES4R component directory (ONNX graphs + es4r.json) from weights in our structures: what
// `npm run es4r:import` writes from a release checkpoint, and the tiny and scale packs from random ones.
//
//   es4r.json
//   onnx/subsampler.onnx        mel [1, 80, T] -> features [1, T', 80]                  (one user turn)
//   onnx/affect_attention.onnx  turn_features [turns, max, 80], key_padding_mask -> pseudo_mel [1, 80, 3000], ...
//   onnx/cformer_adapter.onnx   encoder_hidden [1, frames, d] -> speech_embeds [1, N, H], token_count
//   onnx/cross_attention.onnx   speech [1, N, H], history [1, S, H] -> fused [1, N, H]
import { AFFECT_INPUTS, AFFECT_OUTPUTS, buildAffectAttentionGraph } from './graphs/stage1/affectAttentionGraph';
import { ATTENTION_HEADS, MEL_BINS, WHISPER_MEL_FRAMES } from '../../src/models/es4r/stage1/stage1Types';
import { buildSubsamplerGraph, SUBSAMPLER_INPUT, SUBSAMPLER_OUTPUT } from './graphs/stage1/subsamplerGraph';
import { buildCformerModel, buildCrossAttentionModel } from './graphs/stage2/stage2Graphs';
import type { Es4rDims, Es4rWeights } from './checkpoint/releaseNames';
import { packJson, writePackFile } from '../tinyPack/packFiles';

export const ES4R_FILES = {
  config: 'es4r.json',
  subsampler: 'onnx/subsampler.onnx',
  affectAttention: 'onnx/affect_attention.onnx',
  adapter: 'onnx/cformer_adapter.onnx',
  crossAttention: 'onnx/cross_attention.onnx',
} as const;

export interface Es4rModelInfo {
  /** Model ids (public/models/<id>) of the Whisper encoder and the (LoRA-merged, embeds-input) LLM this pairs with. */
  pairs: { whisper: string | null; llm: string | null };
  /** Where the weights came from (file names, or "random seed N"). */
  source: Record<string, string>;
}

export function es4rJson(dims: Es4rDims, info: Es4rModelInfo): Record<string, unknown> {
  return {
    format: 'es4r-web',
    version: 1,
    source: info.source,
    pairs: info.pairs,
    dims: {
      melBins: MEL_BINS,
      affectHeads: ATTENTION_HEADS,
      whisperDModel: dims.dModel,
      cformerFfnDim: dims.ffnDim,
      cformerHeads: dims.cformerHeads,
      preCifLayers: dims.preLayers,
      postCifLayers: dims.postLayers,
      llmHidden: dims.llmHidden,
      llmHeads: dims.llmHeads,
    },
    rules: {
      subsampler: 'one graph run per user turn (batch 1): mel [1, 80, T] -> T\' = three times floor((T - 1) / 2) + 1 frames',
      turnPadding: 'turns are zero-padded to the longest turn; the padding stays inside the concatenated sequence (masked as keys only), as in the release',
      pseudoMel: `sequence transposed to [80, L] and zero right-padded to ${WHISPER_MEL_FRAMES} frames; L = turns * max_frames must be <= ${WHISPER_MEL_FRAMES}`,
      whisperFrames: 'keep (n - 1) // 2 + 1 Whisper encoder output frames, n = the real (unpadded) frames (output whisper_frames of the affect graph)',
      tokenCount: 'N = max(1, round(sum of CIF alphas)), decided inside the adapter graph (output token_count)',
      crossAttention: 'query = speech_embeds, key = value = text-history token embeddings; output replaces the speech vectors (no residual)',
      prompt: '[start][instruction][text-history tokens][fused speech vectors][suffix]',
    },
    files: {
      subsampler: { path: ES4R_FILES.subsampler, inputs: [SUBSAMPLER_INPUT], outputs: [SUBSAMPLER_OUTPUT] },
      affectAttention: { path: ES4R_FILES.affectAttention, inputs: Object.values(AFFECT_INPUTS), outputs: Object.values(AFFECT_OUTPUTS) },
      adapter: { path: ES4R_FILES.adapter, inputs: ['encoder_hidden'], outputs: ['speech_embeds', 'token_count'] },
      crossAttention: { path: ES4R_FILES.crossAttention, inputs: ['speech', 'history'], outputs: ['fused'] },
    },
  };
}

/** Builds the four graphs and writes them with es4r.json; returns the paths relative to modelDir. */
export async function writeEs4rModel(modelDir: string, weights: Es4rWeights, dims: Es4rDims, info: Es4rModelInfo): Promise<string[]> {
  const graphs: [string, Uint8Array][] = [
    [ES4R_FILES.subsampler, buildSubsamplerGraph(weights.subsampler)],
    [ES4R_FILES.affectAttention, buildAffectAttentionGraph(weights.affect)],
    [ES4R_FILES.adapter, buildCformerModel(weights.cformer)],
    [ES4R_FILES.crossAttention, buildCrossAttentionModel(weights.crossAttention)],
  ];
  const written = [await writePackFile(modelDir, ES4R_FILES.config, packJson(es4rJson(dims, info)))];
  for (const [path, bytes] of graphs) written.push(await writePackFile(modelDir, path, bytes));
  return written;
}
