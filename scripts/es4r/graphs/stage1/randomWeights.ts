// Deterministic random ES4R Stage 1 weights (tests and tiny packs), from scripts/tinyPack/seededRandom.ts.
// NOTE: importing from scripts/ into src/ is a stop-gap until the helper moves under src/.
import { seededRandom, uniformArray } from '../../../tinyPack/seededRandom';
import { ATTENTION_HEADS, CONV_CHANNELS, CONV_KERNEL, CONV_LAYERS, MEL_BINS, type MultiheadAttentionWeights, type SubsamplerWeights } from '../../../../src/models/es4r/stage1/stage1Types';

export function randomSubsamplerWeights(seed: number, hidden = 160): SubsamplerWeights {
  const random = seededRandom(seed);
  const convScale = 1 / Math.sqrt(MEL_BINS * CONV_KERNEL);
  return {
    convs: Array.from({ length: CONV_LAYERS }, () => ({
      weight: uniformArray(random, CONV_CHANNELS * MEL_BINS * CONV_KERNEL, convScale),
      bias: uniformArray(random, CONV_CHANNELS, convScale),
    })),
    hidden,
    fc1: uniformArray(random, hidden * MEL_BINS, 1 / Math.sqrt(MEL_BINS)),
    fc2: uniformArray(random, MEL_BINS * hidden, 1 / Math.sqrt(hidden)),
    lnWeight: Float32Array.from(uniformArray(random, MEL_BINS, 0.1), (v) => 1 + v),
    lnBias: uniformArray(random, MEL_BINS, 0.1),
  };
}

export function randomAttentionWeights(seed: number, embedDim = MEL_BINS, numHeads = ATTENTION_HEADS): MultiheadAttentionWeights {
  const random = seededRandom(seed);
  // Larger than PyTorch's xavier init so that the softmax is far from uniform and mistakes show.
  const scale = 2 / Math.sqrt(embedDim);
  return {
    embedDim,
    numHeads,
    inProjWeight: uniformArray(random, 3 * embedDim * embedDim, scale),
    inProjBias: uniformArray(random, 3 * embedDim, 0.1),
    outProjWeight: uniformArray(random, embedDim * embedDim, 1 / Math.sqrt(embedDim)),
    outProjBias: uniformArray(random, embedDim, 0.1),
  };
}

/** Random values in [-scale, scale] (e.g. a fake log-mel). */
export function randomArray(seed: number, length: number, scale = 1): Float32Array {
  return uniformArray(seededRandom(seed), length, scale);
}
