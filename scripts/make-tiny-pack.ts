// Writes the tiny test pack into public/models/tiny/ and records its files (size, sha256) in the manifest.
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentRole, ModelFile } from '../src/models/manifest';
import { readManifestFile, writeManifestFile } from './models/manifestFile';
import { DEFAULT_MODELS_DIR } from './models/paths';
import { writeTinyKokoro } from './tinyPack/kokoro';
import { writeTinyLlm } from './tinyPack/llm';
import { writeTinyEs4r } from './tinyPack/es4r';
import { writeTinyLlmEmbeds } from './tinyPack/llmEmbeds';
import { writeTinyStyleEncoder } from './tinyPack/styleEncoder';
import { writeTinyWhisper } from './tinyPack/whisper';
import { errorMessage } from '../src/errorMessage';

interface TinyModel {
  role: ComponentRole;
  modelId: string;
  write(modelDir: string): Promise<string[]>;
}

const TINY_MODELS: TinyModel[] = [
  { role: 'asr', modelId: 'tiny/whisper', write: writeTinyWhisper },
  { role: 'llm', modelId: 'tiny/llm', write: writeTinyLlm },
  { role: 'tts', modelId: 'tiny/kokoro', write: writeTinyKokoro },
  { role: 'style_encoder', modelId: 'tiny/style-encoder', write: writeTinyStyleEncoder },
  { role: 'speech_llm', modelId: 'tiny/llm-embeds', write: writeTinyLlmEmbeds },
  { role: 'es4r', modelId: 'tiny/es4r', write: writeTinyEs4r },
];

async function describeFile(modelsDir: string, path: string): Promise<ModelFile> {
  const bytes = await readFile(join(modelsDir, path));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // Every generated graph is fp32: the tiny pack exercises contracts, not quantisation.
  return { path, sizeBytes: bytes.byteLength, sha256, ...(path.endsWith('.onnx') ? { dtype: 'fp32' as const } : {}), verified: true };
}

/** Deletes files an older generator left behind; the folder itself stays, so a running dev server keeps serving it. */
async function removeStale(modelDir: string, written: readonly string[]): Promise<void> {
  const keep = new Set(written);
  const present = await readdir(modelDir, { recursive: true, withFileTypes: true });
  for (const entry of present) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name).slice(modelDir.length + 1);
    if (!keep.has(path)) await rm(join(modelDir, path));
  }
}

async function main(): Promise<void> {
  const startMs = performance.now();
  const manifestPath = join(DEFAULT_MODELS_DIR, 'manifest.json');
  const manifest = await readManifestFile(manifestPath);
  const tiny = manifest.packs['tiny'];
  if (!tiny) throw new Error(`${manifestPath} has no "tiny" pack`);
  let totalBytes = 0;
  for (const model of TINY_MODELS) {
    const modelDir = join(DEFAULT_MODELS_DIR, model.modelId);
    const written = await model.write(modelDir);
    await removeStale(modelDir, written);
    const files = await Promise.all(written.sort().map((path) => describeFile(DEFAULT_MODELS_DIR, `${model.modelId}/${path}`)));
    const component = tiny.components[model.role];
    if (!component) throw new Error(`the manifest's tiny pack has no "${model.role}" component`);
    component.files = files;
    totalBytes += files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0);
  }
  await writeManifestFile(manifestPath, manifest);
  const seconds = ((performance.now() - startMs) / 1000).toFixed(1);
  console.log(`make-tiny-pack: wrote ${TINY_MODELS.length} models (${(totalBytes / 1e6).toFixed(1)} MB) to public/models/tiny/ in ${seconds} s`);
}

main().catch((error: unknown) => {
  console.error(`make-tiny-pack: ${errorMessage(error)}`);
  process.exitCode = 1;
});
