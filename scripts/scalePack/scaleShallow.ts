// The scale-shallow set: scale-lite's Whisper-tiny and SmolLM2-360M with their real widths, heads, dtypes and operators,
// written by the same generators but one layer deep (and a 512-row LLM vocabulary), so that tests of the self-check's
// decisions run on real shapes in seconds under SwiftShader. Kokoro is left out: its cost is in the decoder and the
// iSTFT generator, which have no depth to cut (see docs/self-check.md).
import { join } from 'node:path';
import type { ComponentRole, ModelComponent } from '../../src/models/manifest';
import { operatorMismatches } from './expectedOperators';
import { smolLm2Spec } from './llm/index';
import { SMOLLM2_TOKENIZER } from './llm/tokenizers';
import { scaleLlm } from './llm/writeLlm';
import type { GraphReport, ScaleModel } from './scaleModel';
import { SHALLOW_LLM_VOCAB, SMOLLM2_360M_SHALLOW, WHISPER_TINY_SHALLOW } from './shallowArchitectures';
import { scaleWhisper } from './whisper/writeWhisper';

/** One model of the set and the dtypes scale-lite's manifest gives its role. */
export interface ShallowModel {
  role: ComponentRole;
  model: ScaleModel;
  dtypes: ModelComponent['dtype'];
}

export const SCALE_SHALLOW: readonly ShallowModel[] = [
  {
    role: 'asr',
    model: scaleWhisper('scale/whisper-tiny-shallow', WHISPER_TINY_SHALLOW),
    dtypes: { webgpu: { encoder_model: 'fp32', decoder_model_merged: 'q4' }, wasm: { encoder_model: 'q8', decoder_model_merged: 'int8' } },
  },
  {
    role: 'llm',
    model: scaleLlm('scale/SmolLM2-360M-Instruct-shallow', {
      ...smolLm2Spec,
      architecture: SMOLLM2_360M_SHALLOW,
      tokenizer: { ...SMOLLM2_TOKENIZER, bpeTokens: SHALLOW_LLM_VOCAB - SMOLLM2_TOKENIZER.bpeOffset },
    }),
    dtypes: { webgpu: 'q4f16', webgpuNoF16: 'q4', wasm: 'int8' },
  },
];

export interface WrittenShallowModel {
  role: ComponentRole;
  modelId: string;
  files: string[];
  graphs: GraphReport[];
  seconds: number;
}

/** Writes every model of the set under `modelsDir` (one folder per model id); throws if a graph misses its figures. */
export async function writeScaleShallow(modelsDir: string, seed: number): Promise<WrittenShallowModel[]> {
  const written: WrittenShallowModel[] = [];
  for (const { role, model } of SCALE_SHALLOW) {
    const startMs = performance.now();
    const { files, graphs } = await model.write(join(modelsDir, model.modelId), seed);
    const problems = graphs.flatMap((graph) => [
      ...(graph.parameters === graph.expectedParameters ? [] : [`${model.modelId}/${graph.file}: ${graph.parameters} parameters, config arithmetic gives ${graph.expectedParameters}`]),
      ...operatorMismatches(model.modelId, graph.file, graph.opHistogram),
    ]);
    if (problems.length > 0) throw new Error(`scale-shallow:\n${problems.join('\n')}`);
    written.push({ role, modelId: model.modelId, files, graphs, seconds: (performance.now() - startMs) / 1000 });
  }
  return written;
}
