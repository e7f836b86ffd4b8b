// The tiny pack's ES4R component: a deterministic random checkpoint in the release's naming, written through the
// same importer path as a real checkpoint (scripts/es4r/writeEs4rModel.ts).
import { randomCheckpoint } from '../es4r/checkpoint/randomCheckpoint';
import { parseReleaseConfig, weightsFromRelease, tensorSourceFromMap, type Es4rDims } from '../es4r/checkpoint/releaseNames';
import { readFloatTensors } from '../es4r/checkpoint/safetensors';
import { writeEs4rModel } from '../es4r/writeEs4rModel';

/** Tiny dims: Whisper d_model 64 / ffn 128 (public/models/tiny/whisper), LLM hidden 32 with 2 heads (tiny/llm-embeds). */
export const TINY_ES4R_DIMS: Es4rDims = { dModel: 64, ffnDim: 128, cformerHeads: 8, preLayers: 1, postLayers: 1, llmHidden: 32, llmHeads: 2 };
export const TINY_ES4R_SEED = 0xe54e;
export const TINY_ES4R_PAIRS = { whisper: 'tiny/whisper', llm: 'tiny/llm-embeds' } as const;

/**
 * The tiny pack's ES4R component: a random checkpoint in the release's naming, round-tripped through
 * safetensors and the name mapping (so the tiny pack exercises the importer), then written as graphs.
 */
export async function writeTinyEs4r(modelDir: string): Promise<string[]> {
  const checkpoint = randomCheckpoint(TINY_ES4R_SEED, TINY_ES4R_DIMS);
  const { dims } = parseReleaseConfig(checkpoint.config);
  const tensors = readFloatTensors(checkpoint.safetensors);
  const weights = weightsFromRelease(tensorSourceFromMap(tensors), dims, tensors.keys());
  return writeEs4rModel(modelDir, weights, dims, { pairs: { ...TINY_ES4R_PAIRS }, source: { checkpoint: `random seed ${TINY_ES4R_SEED}` } });
}
