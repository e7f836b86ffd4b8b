// npm run es4r:import -- <checkpoint.safetensors> <config.json> <pack> [--models-dir DIR] [--manifest FILE]
//
// Imports an official-release ES4R checkpoint (GitHub z786z786/ES4R naming, safetensors F32/F16/BF16) and its
// config.json: maps the tensors (scripts/es4r/checkpoint/releaseNames.ts), builds the ONNX graphs (front:
// subsampler + dual-level affect attention; adapter: CFormer; cross-attention) and writes them with es4r.json
// into <models-dir>/<modelId>/. modelId is the pack's es4r component id, else `<pack>/es4r`. The Whisper it
// pairs with is the pack's asr component; the LLM is its speech_llm component (embeddings in), else its llm.
// The manifest is only read. Bad input: one line on stderr, exit code 2.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Es4rDims } from './es4r/checkpoint/releaseNames';
import { CliError } from './cli/cliError';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { parseJson, readInput, readReleaseDims, readReleaseWeights } from './es4r/releaseInput';
import { DEFAULT_MODELS_DIR } from './models/paths';
import { writeEs4rModel } from './es4r/writeEs4rModel';

const TOOL = 'es4r-import';
const USAGE = 'npm run es4r:import -- <checkpoint.safetensors> <config.json> <pack> [--models-dir DIR] [--manifest FILE]';

/** Only what this tool needs from manifest.json (the full schema lives in src/models/manifest.ts). */
const looseManifestSchema = z.object({
  packs: z.record(
    z.string(),
    z.object({
      components: z.record(z.string(), z.object({ modelId: z.string(), files: z.array(z.object({ path: z.string() })).optional() })),
    }),
  ),
});

export interface Es4rImportResult {
  modelId: string;
  modelDir: string;
  /** Paths relative to modelDir. */
  files: string[];
  dims: Es4rDims;
  pairs: { whisper: string | null; llm: string | null };
}

/** Checks a paired model's config.json (when installed under modelsDir) against the ES4R dims. */
async function checkPair(modelsDir: string, id: string | null, read: (config: Record<string, unknown>) => unknown, expected: number, what: string): Promise<void> {
  if (!id) return;
  const path = join(modelsDir, id, 'config.json');
  if (!existsSync(path)) return;
  const config = parseJson(await readInput(path, 'model config'), path);
  if (typeof config !== 'object' || config === null) return;
  const actual = read(config as Record<string, unknown>);
  if (typeof actual === 'number' && actual !== expected) throw new CliError(`${what} of ${id} is ${actual}, but the ES4R checkpoint expects ${expected}`);
}

export async function importEs4r(argv: string[]): Promise<Es4rImportResult> {
  const { values, positionals } = parseCliArgs(
    { usage: USAGE, positionals: ['<checkpoint.safetensors>', '<config.json>', '<pack>'], options: { 'models-dir': { type: 'string' }, manifest: { type: 'string' } } },
    argv,
  );
  const [checkpointPath, configPath, pack] = positionals as [string, string, string];
  const modelsDir = resolve(values['models-dir'] ?? DEFAULT_MODELS_DIR);
  const manifestPath = resolve(values.manifest ?? join(modelsDir, 'manifest.json'));

  const manifestParsed = looseManifestSchema.safeParse(parseJson(await readInput(manifestPath, 'manifest'), manifestPath));
  if (!manifestParsed.success) throw new CliError(`${manifestPath}: not a model-pack manifest`);
  const packEntry = manifestParsed.data.packs[pack];
  if (!packEntry) throw new CliError(`unknown pack '${pack}' (manifest has: ${Object.keys(manifestParsed.data.packs).join(', ')})`);
  const modelId = packEntry.components.es4r?.modelId ?? `${pack}/es4r`;
  // The speech path needs the LLM that takes embeddings; a pack without one pairs with its text LLM.
  const pairs = {
    whisper: packEntry.components.asr?.modelId ?? null,
    llm: packEntry.components.speech_llm?.modelId ?? packEntry.components.llm?.modelId ?? null,
  };

  const dims = await readReleaseDims(configPath);
  // The paired models, when installed, must have the widths the checkpoint was trained with.
  const llmHidden = (c: Record<string, unknown>) => c.hidden_size ?? (c.text_config as Record<string, unknown> | undefined)?.hidden_size;
  await checkPair(modelsDir, pairs.whisper, (c) => c.d_model, dims.dModel, 'Whisper d_model');
  await checkPair(modelsDir, pairs.llm, llmHidden, dims.llmHidden, 'LLM hidden_size');

  const weights = await readReleaseWeights(checkpointPath, dims);

  const modelDir = join(modelsDir, modelId);
  const files = await writeEs4rModel(modelDir, weights, dims, { pairs, source: { checkpoint: basename(checkpointPath), config: basename(configPath) } });
  return { modelId, modelDir, files, dims, pairs };
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  await runCli(TOOL, async () => {
    const r = await importEs4r(process.argv.slice(2));
    const d = r.dims;
    process.stdout.write(
      `${TOOL}: wrote ${r.files.length} files to ${r.modelDir} (Whisper d=${d.dModel}, ${d.preLayers}+${d.postLayers} CFormer layers, LLM H=${d.llmHidden}/${d.llmHeads} heads; pairs ${r.pairs.whisper ?? '-'} + ${r.pairs.llm ?? '-'})\n`,
    );
  });
}
