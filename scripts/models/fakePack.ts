// Test support: a small pack in a temp dir (manifest + models dir) whose hub files a FakeHub serves.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Manifest, ModelComponent } from '../../src/models/manifest';
import { FAKE_BRANCH, type FakeHubFile } from './fakeHub';

export interface FakeHubEntry {
  repo: string;
  pathInRepo: string;
  bytes: Buffer;
}

/** Deterministic bytes, so that a wrong offset on resume changes the hash. */
export function patternBytes(sizeBytes: number, seed: number): Buffer {
  const bytes = Buffer.alloc(sizeBytes);
  let state = seed;
  for (let i = 0; i < sizeBytes; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export const HUB_ENTRIES: FakeHubEntry[] = [
  { repo: 'org/asr', pathInRepo: 'onnx/encoder_model.onnx', bytes: patternBytes(300_000, 1) },
  { repo: 'org/asr', pathInRepo: 'config.json', bytes: Buffer.from('{"model_type":"whisper"}\n') },
  { repo: 'org/llm', pathInRepo: 'onnx/model_q4f16.onnx', bytes: patternBytes(200_000, 2) },
  { repo: 'org/tts', pathInRepo: 'voices/af_heart.bin', bytes: patternBytes(50_000, 3) },
];
export const VAD_BYTES = patternBytes(1_000, 4);

export function hubFiles(entries: readonly FakeHubEntry[] = HUB_ENTRIES): Record<string, FakeHubFile> {
  return Object.fromEntries(entries.map((e) => [`${e.repo}/resolve/${FAKE_BRANCH}/${e.pathInRepo}`, { bytes: e.bytes }]));
}

export const hubKey = (entry: FakeHubEntry): string => `${entry.repo}/resolve/${FAKE_BRANCH}/${entry.pathInRepo}`;
export const modelPath = (entry: FakeHubEntry): string => `${entry.repo}/${entry.pathInRepo}`;

function hubComponent(repo: string, known: boolean): ModelComponent {
  return {
    modelId: repo,
    source: { kind: 'hub', repo, revision: FAKE_BRANCH, revisionPinned: false },
    licence: { spdx: 'MIT' },
    dtype: { webgpu: 'fp32', wasm: 'fp32' },
    files: HUB_ENTRIES.filter((e) => e.repo === repo).map((e) => ({
      path: modelPath(e),
      sizeBytes: known ? e.bytes.length : null,
      sha256: known ? sha256Hex(e.bytes) : null,
      verified: known,
    })),
  };
}

/** `known`: the manifest carries the real sizes and hashes (verified); otherwise nulls, as before `--record`. */
export function fakeManifest(known: boolean): Manifest {
  return {
    schemaVersion: 1,
    packs: {
      fake: {
        description: 'a pack for the download tests',
        components: {
          vad: {
            modelId: 'vad',
            source: { kind: 'npm', package: '@ricky0123/vad-web', version: '0.0.31', path: 'dist/silero_vad_v5.onnx' },
            licence: { spdx: 'MIT' },
            dtype: { webgpu: 'fp32', wasm: 'fp32' },
            files: [{ path: 'vad/silero_vad_v5.onnx', sizeBytes: VAD_BYTES.length, sha256: sha256Hex(VAD_BYTES), verified: true }],
          },
          asr: hubComponent('org/asr', known),
          llm: hubComponent('org/llm', known),
          tts: hubComponent('org/tts', known),
        },
      },
    },
  };
}

/** Writes the manifest and the npm-copied VAD file into a fresh temp models dir. */
export async function makeModelsDir(manifest: Manifest): Promise<{ modelsDir: string; manifestPath: string }> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'models-test-'));
  const manifestPath = join(modelsDir, 'manifest.json');
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  const vadPath = join(modelsDir, 'vad/silero_vad_v5.onnx');
  await mkdir(dirname(vadPath), { recursive: true });
  await writeFile(vadPath, VAD_BYTES);
  return { modelsDir, manifestPath };
}
