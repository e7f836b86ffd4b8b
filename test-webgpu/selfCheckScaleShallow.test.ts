// The self-check's decisions on the scale-shallow set: scale-lite's Whisper-tiny (fp32 and q8 encoder, q4 merged decoder
// with its use_cache_branch If) and SmolLM2-360M (q4, MatMulNBits block 32; int8 on wasm) at their real widths, one layer deep.
// onnxruntime-node's WebGPU EP (SwiftShader) against its CPU EP standing in for wasm, with scale-lite's dtypes: a model
// that computes right stays on WebGPU with the evidence; a fault injected into WebGPU's output moves it to its wasm dtype.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALE_SHALLOW, writeScaleShallow, type ShallowModel } from '../scripts/scalePack/scaleShallow';
import { SCALE_SEED } from '../scripts/scalePack/scalePacks';
import { whisperFamily } from '../src/models/asr/whisperFamily';
import type { ComponentRole } from '../src/models/manifest';
import { llmFamily } from '../src/models/llm/llmFamily';
import { loadWithFallback, type LoadedModel, type ModelFamily } from '../src/models/loadModel';
import { cpuStandsForWasm } from '../src/models/selfCheck/cpuStandsForWasm';
import { withWebGpuFault } from '../src/models/selfCheck/injectFault';
import { NODE_SWIFTSHADER } from './nodeSwiftShader';
import { replayingWebGpuRuns } from './replayWebGpuRuns';

/** Whisper-tiny's WebGPU run (about a minute under SwiftShader) is computed once and replayed for the fault. */
const WHISPER_ONE_WEBGPU_RUN = replayingWebGpuRuns(cpuStandsForWasm(whisperFamily));
/** Each Whisper decision: one WebGPU encoder run at 1500 positions (61 s measured at load average 5) and CPU runs. */
const WHISPER_TIMEOUT_MS = 300_000;

let modelsDir: string;

function shallow(role: ComponentRole): ShallowModel {
  return SCALE_SHALLOW.find((model) => model.role === role)!;
}

async function load<M>(family: ModelFamily<M>, role: ComponentRole): Promise<LoadedModel<M>> {
  const { model, dtypes } = shallow(role);
  const loaded = await loadWithFallback(family, { modelId: model.modelId, dtypes, preference: 'auto', gpu: NODE_SWIFTSHADER }, () => {});
  await family.dispose(loaded.model);
  return loaded;
}

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'es4r-scale-shallow-'));
  await writeScaleShallow(modelsDir, SCALE_SEED);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${modelsDir}/`;
});

afterAll(async () => {
  if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
});

describe('self-check on the scale-shallow set: WebGPU (SwiftShader) vs CPU', () => {
  it('keeps Whisper-tiny (encoder fp32, merged decoder q4) on WebGPU: the same weights agree within the q4 limit', async () => {
    const loaded = await load(WHISPER_ONE_WEBGPU_RUN, 'asr');
    expect(loaded).toMatchObject({ device: 'webgpu', dtype: { encoder_model: 'fp32', decoder_model_merged: 'q4' }, selfCheck: { outcome: 'passed' } });
    expect(loaded.selfCheck!.evidence).toMatch(/^encoder_model fp32, decoder_model_merged q4 on both: relative error .* <= 0\.05$/);
  }, WHISPER_TIMEOUT_MS);

  it('moves Whisper-tiny to its wasm dtypes, the q8 encoder and the int8 decoder, when a fault is injected into that WebGPU run', async () => {
    const loaded = await load(withWebGpuFault(WHISPER_ONE_WEBGPU_RUN), 'asr');
    expect(loaded).toMatchObject({ device: 'wasm', dtype: { encoder_model: 'q8', decoder_model_merged: 'int8' }, selfCheck: { outcome: 'failed' } });
    expect(loaded.reason).toMatch(/WebGPU output differs from wasm on this GPU \(encoder_model fp32, decoder_model_merged q4 on both: relative error .* > 0\.05\)/);
  }, WHISPER_TIMEOUT_MS);

  it('keeps SmolLM2-360M on WebGPU in q4 (no shader-f16 for q4f16): the same weights agree within the q4 limit', async () => {
    const loaded = await load(cpuStandsForWasm(llmFamily), 'llm');
    expect(loaded).toMatchObject({ device: 'webgpu', dtype: 'q4', selfCheck: { outcome: 'passed' } });
    expect(loaded.selfCheck!.evidence).toMatch(/^q4 on both: relative error .* <= 0\.05$/);
  });

  it('moves a faulty SmolLM2-360M to wasm in its wasm dtype, int8, checked against q4 on wasm', async () => {
    const loaded = await load(withWebGpuFault(cpuStandsForWasm(llmFamily)), 'llm');
    expect(loaded).toMatchObject({ device: 'wasm', dtype: 'int8', selfCheck: { outcome: 'failed' } });
    expect(loaded.reason).toMatch(/WebGPU output differs from wasm on this GPU \(q4 on both: relative error .* > 0\.05\)/);
  });
});
