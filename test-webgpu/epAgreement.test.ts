import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whisperFamily } from '../src/models/asr/whisperFamily';
import type { RuntimeDevice } from '../src/models/device/chooseDevice';
import type { GpuInfo } from '../src/models/device/gpuInfo';
import { llmFamily } from '../src/models/llm/llmFamily';
import { loadWithFallback, type LoadedModel, type ModelFamily } from '../src/models/loadModel';
import { compareOutputs } from '../src/models/selfCheck/compareOutputs';
import { kokoroFamily } from '../src/models/tts/kokoroFamily';

const MODELS_DIR = join(process.cwd(), 'public', 'models');

/** The Node SwiftShader adapter as the page's detectGpu would describe it (onnxruntime-node does not expose it). */
const NODE_SWIFTSHADER: GpuInfo = {
  adapterKey: 'node|swiftshader|-|-',
  isFallbackAdapter: true,
  shaderF16: false,
  maxBufferSizeBytes: 2 ** 30,
  maxStorageBufferBindingSizeBytes: 2 ** 27,
};

/** Relative error allowed between WebGPU and CPU for models the EP computes right (measured: <= 1.3e-7, see CASES). */
const AGREEMENT_TOLERANCE = 1e-4;

interface Recorded<M> {
  model: M;
  device: RuntimeDevice;
}

/**
 * The app's family with Node's CPU EP standing in for wasm (transformers.js has no wasm device in Node),
 * recording each warm-up's outputs by device so the runs the self-check makes are also the ones measured:
 * Whisper's WebGPU warm-up takes ~12 s under SwiftShader on idle cores (~40 s on busy ones), too slow to run twice.
 */
function onNode<M>(family: ModelFamily<M>, outputsByDevice: Map<RuntimeDevice, Float32Array[]>): ModelFamily<Recorded<M>> {
  return {
    selfCheckTolerance: family.selfCheckTolerance,
    async load(modelId, device, dtype, onFileProgress) {
      const nodeDevice = device === 'wasm' ? 'cpu' : device;
      return { model: await family.load(modelId, nodeDevice, dtype, onFileProgress), device: nodeDevice };
    },
    async warmUp({ model, device }) {
      const outputs = await family.warmUp(model);
      outputsByDevice.set(device, outputs);
      return outputs;
    },
    dispose: ({ model }) => family.dispose(model),
  };
}

interface Case {
  name: string;
  family: ModelFamily<unknown>;
  /** The transformers.js class the model loads as, so the intended session layout is the one tested. */
  loadsAs: string;
  /** Whether the native WebGPU EP computes this model right. */
  agrees: boolean;
  /** The transformers.js model inside what the family loads (every family loads { model, processor | tokenizer }). */
  modelOf: (loaded: unknown) => object;
}

const bundleModel = (loaded: unknown) => (loaded as { model: object }).model;

const CASES: Case[] = [
  // Measured relative error 1.3e-7 (max abs 1.1e-6).
  { name: 'whisper', family: whisperFamily as ModelFamily<unknown>, loadsAs: 'WhisperForConditionalGeneration', agrees: true, modelOf: bundleModel },
  // Measured 4.9e-10 (max abs 1.1e-8).
  { name: 'llm', family: llmFamily as ModelFamily<unknown>, loadsAs: 'Qwen2ForCausalLM', agrees: true, modelOf: bundleModel },
  // embed_tokens + decoder_model_merged, fed the same input_ids by llmFamily.warmUp; measured 4.9e-10.
  { name: 'llm-embeds', family: llmFamily as ModelFamily<unknown>, loadsAs: 'Gemma3ForCausalLM', agrees: true, modelOf: bundleModel },
  // Its 129->128 Conv1d is one of the shapes the EP miscomputes: measured relative error 1.2 (max abs 0.13).
  { name: 'kokoro', family: kokoroFamily as ModelFamily<unknown>, loadsAs: 'StyleTextToSpeech2Model', agrees: false, modelOf: bundleModel },
];

beforeAll(() => {
  const missing = CASES.map(({ name }) => join(MODELS_DIR, 'tiny', name)).filter((dir) => !existsSync(dir));
  if (missing.length > 0) throw new Error(`Tiny models missing (${missing.join(', ')}): run \`npm run make:tiny-pack\` first.`);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
});

for (const { name, family, loadsAs, agrees, modelOf } of CASES) describe(`tiny/${name} on onnxruntime-node: WebGPU (SwiftShader) vs CPU`, () => {
  const outputsByDevice = new Map<RuntimeDevice, Float32Array[]>();
  const nodeFamily = onNode(family, outputsByDevice);
  let loaded: LoadedModel<Recorded<unknown>> | undefined;

  beforeAll(async () => {
    loaded = await loadWithFallback(
      nodeFamily,
      { modelId: `tiny/${name}`, dtypes: { webgpu: 'fp32', wasm: 'fp32' }, preference: 'auto', gpu: NODE_SWIFTSHADER },
      () => {},
    );
  });

  afterAll(async () => {
    if (loaded) await nodeFamily.dispose(loaded.model);
  });

  it(agrees ? `warm-up outputs agree within relative ${AGREEMENT_TOLERANCE}` : `warm-up outputs differ beyond the family's self-check tolerance`, () => {
    const gpu = outputsByDevice.get('webgpu');
    const cpu = outputsByDevice.get('cpu');
    if (!gpu || !cpu) throw new Error(`warm-ups recorded on ${[...outputsByDevice.keys()].join(', ')} only`);
    const { relativeError, mismatch } = compareOutputs(gpu, cpu);
    expect(mismatch).toBeNull();
    if (agrees) expect(relativeError).toBeLessThanOrEqual(AGREEMENT_TOLERANCE);
    else expect(relativeError).toBeGreaterThan(family.selfCheckTolerance);
  });

  it(agrees ? 'loadWithFallback keeps WebGPU after the self-check' : 'loadWithFallback avoids WebGPU and runs on wasm (CPU here)', () => {
    if (!loaded) throw new Error('loadWithFallback did not finish');
    expect(modelOf(loaded.model.model).constructor.name).toBe(loadsAs);
    expect(loaded.newVerdict?.agrees).toBe(agrees);
    expect(loaded.device).toBe(agrees ? 'webgpu' : 'wasm');
    expect(loaded.model.device).toBe(agrees ? 'webgpu' : 'cpu');
    if (!agrees) expect(loaded.reason).toMatch(/WebGPU output differs/);
  });
});
