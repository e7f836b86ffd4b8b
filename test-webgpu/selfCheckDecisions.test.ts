// The self-check's decisions on real graphs: onnxruntime-node's WebGPU EP (SwiftShader) against its CPU EP standing
// in for wasm. Models that compute right stay on WebGPU; a fault injected into WebGPU's output moves a model to its
// wasm dtype; a reference that cannot load leaves WebGPU unverified. None of it depends on onnxruntime's Conv bug
// (convShapes.test.ts reports that one).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { whisperFamily } from '../src/models/asr/whisperFamily';
import { llmFamily } from '../src/models/llm/llmFamily';
import { loadWithFallback, type LoadedModel, type ModelFamily } from '../src/models/loadModel';
import { cpuStandsForWasm } from '../src/models/selfCheck/cpuStandsForWasm';
import { withWebGpuFault } from '../src/models/selfCheck/injectFault';
import { kokoroFamily } from '../src/models/tts/kokoroFamily';
import { NODE_SWIFTSHADER } from './nodeSwiftShader';

const MODELS_DIR = join(process.cwd(), 'public', 'models');

const FP32 = { webgpu: 'fp32', wasm: 'fp32' } as const;

async function load<M>(family: ModelFamily<M>, modelId: string): Promise<LoadedModel<M>> {
  const loaded = await loadWithFallback(family, { modelId, dtypes: FP32, preference: 'auto', gpu: NODE_SWIFTSHADER }, () => {});
  await family.dispose(loaded.model);
  return loaded;
}

/** The family, with CPU for wasm, whose reference loads always fail (as a wasm heap that is full would). */
function referenceCannotLoad<M>(family: ModelFamily<M>): ModelFamily<M> {
  return { ...family, load: (modelId, device, dtype, onFileProgress) => (device === 'wasm' ? Promise.reject(new Error('out of memory')) : family.load(modelId, device, dtype, onFileProgress)) };
}

beforeAll(() => {
  const missing = ['whisper', 'llm', 'kokoro'].map((name) => join(MODELS_DIR, 'tiny', name)).filter((dir) => !existsSync(dir));
  if (missing.length > 0) throw new Error(`Tiny models missing (${missing.join(', ')}): run \`npm run make:tiny-pack\` first.`);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
});

describe('self-check on onnxruntime-node: WebGPU (SwiftShader) vs CPU', () => {
  it('keeps Whisper on WebGPU: the transcript tokens of a voiced clip agree', async () => {
    const loaded = await load(cpuStandsForWasm(whisperFamily), 'tiny/whisper');
    expect(loaded).toMatchObject({ device: 'webgpu', selfCheck: { outcome: 'passed' } });
    expect(loaded.selfCheck!.evidence).toMatch(/^fp32 on both: relative error .* <= 0\.01$/);
  });

  it('keeps the LLM on WebGPU, and moves it to wasm when a fault is injected into WebGPU', async () => {
    expect(await load(cpuStandsForWasm(llmFamily), 'tiny/llm')).toMatchObject({ device: 'webgpu', selfCheck: { outcome: 'passed' } });
    const faulty = await load(withWebGpuFault(cpuStandsForWasm(llmFamily)), 'tiny/llm');
    expect(faulty).toMatchObject({ device: 'wasm', dtype: 'fp32', selfCheck: { outcome: 'failed' } });
    expect(faulty.reason).toMatch(/WebGPU output differs from wasm on this GPU \(fp32 on both: relative error .* > 0\.01\)/);
  });

  it('moves Kokoro to wasm when its long-input speech is faulty on WebGPU, by spectral distance', async () => {
    const loaded = await load(withWebGpuFault(cpuStandsForWasm(kokoroFamily)), 'tiny/kokoro');
    expect(loaded).toMatchObject({ device: 'wasm', selfCheck: { outcome: 'failed' } });
    expect(loaded.selfCheck!.evidence).toMatch(/^fp32 on both: spectral distance .* dB > 1 dB$/);
  });

  it('leaves a model on WebGPU, unverified with the reason, when its reference cannot load', async () => {
    const loaded = await load(referenceCannotLoad(cpuStandsForWasm(llmFamily)), 'tiny/llm');
    expect(loaded).toMatchObject({ device: 'webgpu', selfCheck: { outcome: 'unverified', evidence: 'the wasm reference could not be loaded (fp32: out of memory)' } });
    expect(loaded.newVerdict).toBeUndefined();
  });
});
