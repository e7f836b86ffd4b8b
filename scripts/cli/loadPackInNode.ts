// Loads a pack's speech recognition and language models in Node (onnxruntime-node on the CPU).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { whisperFamily, type WhisperBundle } from '../../src/models/asr/whisperFamily';
import { llmFamily, type LlmBundle } from '../../src/models/llm/llmFamily';
import { kokoroFamily, type KokoroBundle } from '../../src/models/tts/kokoroFamily';
import { loadVoiceTable } from '../../src/models/tts/kokoroSpeaker';
import { StyleEncoder } from '../../src/models/tts/styleEncoder';
import type { ModelComponent, VoicePresets } from '../../src/models/manifest';
import type { CrossAttention } from '../../src/models/es4r/runtime/crossAttention';
import { loadCrossAttention, loadSpeechEncoder } from '../../src/models/es4r/runtime/loadEs4r';
import type { SpeechEncoder } from '../../src/models/es4r/runtime/speechEncoder';
import { readFileSync } from 'node:fs';
import { packRemedy } from '../../src/models/runtime/packRemedy';
import type { DtypeByDevice } from '../../src/models/device/chooseDevice';
import { dtypeOnDevice } from '../models/dtypeOnDevice';
import { readManifestFile } from '../models/manifestFile';
import { packStatuses } from '../models/packStatus';
import { DEFAULT_MODELS_DIR } from '../models/paths';
import { CliError, EXIT_BAD_INPUT, EXIT_ENVIRONMENT } from './cliError';

/** The pack's voice: the model, its voice tables by name, and the presets per strategy. */
export interface NodeVoice {
  bundle: KokoroBundle;
  tables: Record<string, Float32Array>;
  presets: VoicePresets;
  /** The pack's style encoder, when it installs one. */
  styleEncoder: StyleEncoder | null;
}

/** ES4R's speech path in Node: the embeddings-in LLM and the component's graphs (front and adapter, cross-attention). */
export interface NodeSpeechPath {
  llm: LlmBundle;
  encoder: SpeechEncoder;
  crossAttention: CrossAttention;
}

export interface NodeModels {
  asr: WhisperBundle;
  llm: LlmBundle;
  /** Loaded only when asked for and the pack has an es4r and a speech_llm component. */
  speech: NodeSpeechPath | null;
  /** Loaded only when asked for (`--tts`). */
  tts: NodeVoice | null;
  loadMs: number;
  release(): Promise<void>;
}

function sizeOf(pathUnderModels: string): number | null {
  try {
    return statSync(join(DEFAULT_MODELS_DIR, pathUnderModels)).size;
  } catch {
    return null;
  }
}

/** A pack that is not complete is a one-line error naming it and the command that fetches it. */
/** Whether a pack can answer through ES4R's speech path (it has both an es4r and a speech_llm component). */
export async function packHasSpeechPath(pack: string): Promise<boolean> {
  const components = (await readManifestFile(join(DEFAULT_MODELS_DIR, 'manifest.json'))).packs[pack]?.components;
  return components?.es4r !== undefined && components.speech_llm !== undefined;
}

/**
 * `device` 'webgpu' runs onnxruntime-node's WebGPU EP with the pack's WebGPU dtypes (benchmarks on a GPU machine);
 * `shaderF16` false (SwiftShader) takes the ones without float16.
 */
export async function loadPackInNode(pack: string, { withTts = false, withSpeechPath = false, device = 'cpu' as 'cpu' | 'webgpu', shaderF16 = true } = {}): Promise<NodeModels> {
  const manifest = await readManifestFile(join(DEFAULT_MODELS_DIR, 'manifest.json'));
  const components = manifest.packs[pack]?.components;
  if (!components) throw new CliError(`no pack "${pack}" (packs: ${Object.keys(manifest.packs).join(', ')})`, EXIT_BAD_INPUT);
  const status = packStatuses(manifest, sizeOf).find((s) => s.pack === pack);
  if (!status?.complete) {
    throw new CliError(`the "${pack}" pack is not installed (${status?.missingPaths.length ?? '?'} file(s) missing). ${packRemedy(pack)}.`, EXIT_ENVIRONMENT);
  }
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${DEFAULT_MODELS_DIR}/`;
  const startMs = performance.now();
  const ignoreProgress = () => {};
  // The CPU runs the wasm dtypes: the ones made for a processor without a GPU.
  const dtypeOf = (dtypes: DtypeByDevice) => dtypeOnDevice(dtypes, device, shaderF16);
  const asr = await whisperFamily.load(components.asr.modelId, device, dtypeOf(components.asr.dtype), ignoreProgress);
  const llm = await llmFamily.load(components.llm.modelId, device, dtypeOf(components.llm.dtype), ignoreProgress);
  const tts = withTts ? await loadVoice(components.tts, components.style_encoder?.modelId, device, dtypeOf(components.tts.dtype)) : null;
  const speech = withSpeechPath ? await loadSpeechPath(pack, components.es4r, components.speech_llm, device, dtypeOf) : null;
  return {
    asr,
    llm,
    speech,
    tts,
    loadMs: performance.now() - startMs,
    async release() {
      await whisperFamily.dispose(asr);
      await llmFamily.dispose(llm);
      if (speech) {
        await llmFamily.dispose(speech.llm);
        await speech.encoder.release();
        await speech.crossAttention.release();
      }
      if (tts) await kokoroFamily.dispose(tts.bundle);
      await tts?.styleEncoder?.release();
    },
  };
}

async function loadSpeechPath(
  pack: string,
  es4r: ModelComponent | undefined,
  speechLlm: ModelComponent | undefined,
  device: 'cpu' | 'webgpu',
  dtypeOf: (dtypes: DtypeByDevice) => DtypeByDevice['wasm'],
): Promise<NodeSpeechPath> {
  if (!es4r || !speechLlm) {
    throw new CliError(`the "${pack}" pack has no ${es4r ? 'speech_llm' : 'es4r'} component, so it cannot answer through the speech path; use --path text`, EXIT_BAD_INPUT);
  }
  const read = async (path: string) => new Uint8Array(readFileSync(join(DEFAULT_MODELS_DIR, es4r.modelId, path)));
  const llm = await llmFamily.load(speechLlm.modelId, device, dtypeOf(speechLlm.dtype), () => {});
  return { llm, encoder: await loadSpeechEncoder(read), crossAttention: await loadCrossAttention(read) };
}

async function loadVoice(
  component: { modelId: string; voices?: VoicePresets | undefined },
  styleEncoderId: string | undefined,
  device: 'cpu' | 'webgpu',
  dtype: DtypeByDevice['wasm'],
): Promise<NodeVoice> {
  if (!component.voices) throw new CliError(`the pack's speech synthesis (${component.modelId}) lists no voices`, EXIT_ENVIRONMENT);
  const bundle = await kokoroFamily.load(component.modelId, device, dtype, () => {});
  const names = new Set([component.voices.default, ...Object.values(component.voices.presets).flatMap((preset) => Object.keys(preset.mix))]);
  const tables = Object.fromEntries([...names].map((name) => [name, loadVoiceTable(readFileSync(join(DEFAULT_MODELS_DIR, component.modelId, 'voices', `${name}.bin`)))]));
  const styleEncoder = styleEncoderId ? await StyleEncoder.create(readFileSync(join(DEFAULT_MODELS_DIR, styleEncoderId, 'onnx', 'model.onnx'))) : null;
  return { bundle, tables, presets: component.voices, styleEncoder };
}
