// A deterministic random ES4R checkpoint in the official release's naming (safetensors bytes + config.json),
// for given dims: tests and the tiny pack's ES4R component. Values come from seededRandom/uniformArray
// (through the stage 1/2 random-weight helpers), so the same seed gives the same bytes on every machine.
// Besides the tensors ES4R-web uses it holds a few the importer must ignore (adapter.lm_head, hidden2emotion),
// as a release checkpoint does.
import { seededRandom, uniformArray } from '../../tinyPack/seededRandom';
import { randomAttentionWeights, randomSubsamplerWeights } from '../graphs/stage1/randomWeights';
import { randomCformer, randomCrossAttention } from '../graphs/stage2/weights';
import { releaseConfigFor, releaseTensorsFromWeights, SUBSAMPLER_HIDDEN, type Es4rDims, type Es4rWeights, type ReleaseTensor } from './releaseNames';
import { writeSafetensors } from './safetensors';

/** Vocabulary size of the ignored adapter.lm_head tensor, and the release's default num_emotions. */
const IGNORED_VOCAB = 16;
const NUM_EMOTIONS = 5;

export function randomEs4rWeights(seed: number, dims: Es4rDims): Es4rWeights {
  return {
    subsampler: randomSubsamplerWeights(seed, SUBSAMPLER_HIDDEN),
    affect: randomAttentionWeights(seed + 1),
    cformer: randomCformer(seed + 2, {
      dModel: dims.dModel,
      heads: dims.cformerHeads,
      ffnDim: dims.ffnDim,
      preLayers: dims.preLayers,
      postLayers: dims.postLayers,
      llmHidden: dims.llmHidden,
    }),
    crossAttention: randomCrossAttention(seed + 3, dims.llmHidden, dims.llmHeads),
  };
}

export interface RandomCheckpoint {
  weights: Es4rWeights;
  tensors: ReleaseTensor[];
  /** safetensors bytes (F32 unless asked otherwise). */
  safetensors: Uint8Array;
  /** The release config.json object. */
  config: Record<string, unknown>;
}

export function randomCheckpoint(seed: number, dims: Es4rDims, options: { dtype?: 'F32' | 'F16' } = {}): RandomCheckpoint {
  const weights = randomEs4rWeights(seed, dims);
  const tensors = releaseTensorsFromWeights(weights, dims);
  const random = seededRandom(seed + 4);
  const ignored: ReleaseTensor[] = [
    { name: 'adapter.lm_head.weight', shape: [IGNORED_VOCAB, dims.dModel], data: uniformArray(random, IGNORED_VOCAB * dims.dModel, 0.1) },
    { name: 'hidden2emotion.weight', shape: [NUM_EMOTIONS, dims.llmHidden], data: uniformArray(random, NUM_EMOTIONS * dims.llmHidden, 0.1) },
  ];
  const safetensors = writeSafetensors(
    [...tensors, ...ignored].map((t) => [t.name, t] as const),
    { dtype: options.dtype ?? 'F32', metadata: { format: 'pt', source: `es4r-web randomCheckpoint(seed ${seed})` } },
  );
  return { weights, tensors, safetensors, config: releaseConfigFor(dims) };
}
