// Loads a pack's speech recognition and language models in Node (onnxruntime-node on the CPU).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { whisperFamily, type WhisperBundle } from '../../src/models/asr/whisperFamily';
import { llmFamily, type LlmBundle } from '../../src/models/llm/llmFamily';
import { packRemedy } from '../../src/models/runtime/packRemedy';
import { readManifestFile } from '../models/manifestFile';
import { packStatuses } from '../models/packStatus';
import { DEFAULT_MODELS_DIR } from '../models/paths';
import { CliError, EXIT_BAD_INPUT, EXIT_ENVIRONMENT } from './cliError';

export interface NodeModels {
  asr: WhisperBundle;
  llm: LlmBundle;
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
export async function loadPackInNode(pack: string): Promise<NodeModels> {
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
  const asr = await whisperFamily.load(components.asr.modelId, 'cpu', components.asr.dtype.wasm, ignoreProgress);
  const llm = await llmFamily.load(components.llm.modelId, 'cpu', components.llm.dtype.wasm, ignoreProgress);
  return {
    asr,
    llm,
    loadMs: performance.now() - startMs,
    async release() {
      await whisperFamily.dispose(asr);
      await llmFamily.dispose(llm);
    },
  };
}
