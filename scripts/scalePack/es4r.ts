// The scale packs' ES4R components: the release's architecture (Subsampler, affective attention, CFormer with its
// default 4 + 4 layers and 8 heads, cross-attention) at the widths of the pack's Whisper and LLM, random weights,
// written by the tiny pack's ES4R writer. Only the dims and the pairs differ from the tiny component.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { randomEs4rWeights } from '../es4r/checkpoint/randomCheckpoint';
import { parseReleaseConfig, SUBSAMPLER_HIDDEN, type Es4rDims, type Es4rWeights } from '../es4r/checkpoint/releaseNames';
import { CONV_CHANNELS, CONV_KERNEL, CONV_LAYERS, MEL_BINS } from '../../src/models/es4r/stage1/stage1Types';
import { ES4R_FILES, writeEs4rModel } from '../es4r/writeEs4rModel';
import { QWEN25_05B, SMOLLM2_360M, type LlmArchitecture } from './llm/architectures';
import type { GraphReport, ScaleModel, WrittenScaleModel } from './scaleModel';
import { WHISPER_BASE, WHISPER_TINY, type WhisperArchitecture } from './whisper/architectures';

/** The release's dims over a Whisper and an LLM: layer counts and heads are the release config's defaults. */
export function es4rDimsFor(whisper: WhisperArchitecture, llm: LlmArchitecture): Es4rDims {
  return parseReleaseConfig({
    whisper_config: { d_model: whisper.dModel, encoder_ffn_dim: whisper.ffnDim },
    qwen_config: { hidden_size: llm.hidden, num_attention_heads: llm.heads },
  }).dims;
}

/** Which weights each graph holds. */
const GRAPH_WEIGHTS = {
  subsampler: (w: Es4rWeights) => w.subsampler,
  affectAttention: (w: Es4rWeights) => w.affect,
  adapter: (w: Es4rWeights) => w.cformer,
  crossAttention: (w: Es4rWeights) => w.crossAttention,
} as const;

/** Parameters of each graph by the release's module definitions (config arithmetic, independent of the weights). */
export function es4rGraphParameters(dims: Es4rDims): Record<keyof typeof GRAPH_WEIGHTS, number> {
  const { dModel: d, ffnDim, preLayers, postLayers, llmHidden: h } = dims;
  const encoderLayer = 4 * d * d + 3 * d + 2 * d * ffnDim + ffnDim + d + 2 * (2 * d);
  return {
    subsampler: CONV_LAYERS * (CONV_CHANNELS * MEL_BINS * CONV_KERNEL + CONV_CHANNELS) + 2 * SUBSAMPLER_HIDDEN * MEL_BINS + 2 * MEL_BINS,
    affectAttention: 4 * MEL_BINS * MEL_BINS + 4 * MEL_BINS,
    adapter: (preLayers + postLayers) * encoderLayer + (d - 1) * d + d + d * h + h,
    crossAttention: 4 * h * h + 4 * h,
  };
}

/** Counts the float values of a weight structure (nested objects and arrays of Float32Array). */
function floatCount(value: unknown): number {
  if (value instanceof Float32Array) return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + floatCount(item), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((sum: number, item) => sum + floatCount(item), 0);
  return 0;
}

/** Operator counts of a serialised ONNX model's main graph. */
export function onnxOpHistogram(bytes: Uint8Array): Record<string, number> {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const counts: Record<string, number> = {};
  for (const node of model.graph?.node ?? []) counts[node.opType!] = (counts[node.opType!] ?? 0) + 1;
  return counts;
}

function es4rScale(modelId: string, whisper: { modelId: string; architecture: WhisperArchitecture }, llm: { modelId: string; architecture: LlmArchitecture }): ScaleModel {
  return {
    modelId,
    async write(modelDir: string, seed: number): Promise<WrittenScaleModel> {
      const dims = es4rDimsFor(whisper.architecture, llm.architecture);
      const weights = randomEs4rWeights(seed, dims);
      const files = await writeEs4rModel(modelDir, weights, dims, {
        pairs: { whisper: whisper.modelId, llm: llm.modelId },
        source: { checkpoint: `random seed ${seed}` },
      });
      const expected = es4rGraphParameters(dims);
      const graphs: GraphReport[] = [];
      for (const [graph, weightsOf] of Object.entries(GRAPH_WEIGHTS) as [keyof typeof GRAPH_WEIGHTS, (w: Es4rWeights) => unknown][]) {
        const file = ES4R_FILES[graph];
        graphs.push({
          file,
          dtype: 'fp32',
          parameters: floatCount(weightsOf(weights)),
          expectedParameters: expected[graph],
          expectedSource: `ES4R release modules (modeling_adapter.py Subsampler/CFormer, modeling_blsp2.py attention) at Whisper d_model ${dims.dModel}, LLM hidden ${dims.llmHidden}`,
          parameterTolerance: 0,
          opHistogram: onnxOpHistogram(await readFile(join(modelDir, file))),
        });
      }
      return { files, graphs };
    },
  };
}

/** scale-lite: over scale/whisper-tiny and SmolLM2-360M-Instruct (hidden 960, 15 heads). */
export const es4rLiteScale = es4rScale(
  'scale/es4r-lite',
  { modelId: 'scale/whisper-tiny', architecture: WHISPER_TINY },
  { modelId: 'scale/SmolLM2-360M-Instruct-embeds', architecture: SMOLLM2_360M },
);

/** scale-default: over scale/whisper-base and Qwen2.5-0.5B-Instruct (hidden 896, 14 heads). */
export const es4rDefaultScale = es4rScale(
  'scale/es4r-default',
  { modelId: 'scale/whisper-base', architecture: WHISPER_BASE },
  { modelId: 'scale/Qwen2.5-0.5B-Instruct-embeds', architecture: QWEN25_05B },
);
