// `npm run make:scale-pack -- lite|default`: writes random-weight models with the real architectures, sizes, dtypes
// and file names of a real pack into public/models/scale/, checks each graph's parameter count against the public
// figure and its operator counts against the architecture's, records the files in the manifest's scale-<variant> pack and prints each graph's operator histogram.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentRole } from '../src/models/manifest';
import { CliError, EXIT_BAD_INPUT } from './cli/cliError';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { readManifestFile, writeManifestFile } from './models/manifestFile';
import { DEFAULT_MODELS_DIR } from './models/paths';
import { describeWrittenFile } from './models/verify';
import { SCALE_PACKS, SCALE_SEED, type ScaleVariant } from './scalePack/scalePacks';
import { operatorMismatches } from './scalePack/expectedOperators';
import type { GraphReport } from './scalePack/scaleModel';

/** Exit code when a generated graph does not match the public figures. */
const EXIT_FAILED_CHECK = 1;

const USAGE = 'npm run make:scale-pack -- lite|default [--only asr,llm,tts,es4r,speech_llm] [--json]';

/** Deletes files an older generator left behind in the model's folder. */
async function removeStale(modelDir: string, written: readonly string[]): Promise<void> {
  const keep = new Set(written);
  for (const entry of await readdir(modelDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name).slice(modelDir.length + 1);
    if (!keep.has(path)) await rm(join(modelDir, path));
  }
}

function histogramLine(histogram: Record<string, number>): string {
  return Object.entries(histogram)
    .sort((a, b) => b[1] - a[1])
    .map(([op, count]) => `${op} ${count}`)
    .join(', ');
}

function checkParameters(modelId: string, graph: GraphReport): string | null {
  const relative = Math.abs(graph.parameters - graph.expectedParameters) / graph.expectedParameters;
  if (relative <= graph.parameterTolerance) return null;
  return `${modelId}/${graph.file}: ${(graph.parameters / 1e6).toFixed(2)}M parameters, the public figure is ${(graph.expectedParameters / 1e6).toFixed(2)}M (${graph.expectedSource}), off by ${(relative * 100).toFixed(1)}% > ${(graph.parameterTolerance * 100).toFixed(1)}%`;
}

await runCli('make:scale-pack', async () => {
  const { values, positionals } = parseCliArgs({
    usage: USAGE,
    positionals: ['lite|default'],
    options: { only: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const variant = positionals[0] as ScaleVariant;
  if (!(variant in SCALE_PACKS)) throw new CliError(`unknown scale pack "${variant}" (lite or default)\nusage: ${USAGE}`, EXIT_BAD_INPUT);
  const roles = Object.keys(SCALE_PACKS[variant]) as ComponentRole[];
  const only = values.only === undefined ? roles : String(values.only).split(',');
  const unknown = only.filter((role) => !roles.includes(role as ComponentRole));
  if (unknown.length > 0) throw new CliError(`--only: no ${unknown.join(', ')} in the ${variant} scale pack (roles: ${roles.join(', ')})`, EXIT_BAD_INPUT);

  const manifestPath = join(DEFAULT_MODELS_DIR, 'manifest.json');
  const packName = `scale-${variant}`;
  const startMs = performance.now();
  const reports: { role: string; modelId: string; graphs: GraphReport[]; seconds: number }[] = [];
  const problems: string[] = [];
  for (const role of only as ComponentRole[]) {
    const model = SCALE_PACKS[variant][role]!;
    const modelStartMs = performance.now();
    process.stderr.write(`make:scale-pack: writing ${model.modelId} (${role})...\n`);
    const modelDir = join(DEFAULT_MODELS_DIR, model.modelId);
    const written = await model.write(modelDir, SCALE_SEED);
    await removeStale(modelDir, written.files);
    const dtypeOf = new Map(written.graphs.map((graph) => [graph.file, graph.dtype]));
    const files = [];
    for (const path of [...written.files].sort()) files.push(await describeWrittenFile(DEFAULT_MODELS_DIR, `${model.modelId}/${path}`, dtypeOf.get(path)));
    // Read, update and write the manifest per model, so a long run that fails late keeps what it finished.
    const manifest = await readManifestFile(manifestPath);
    const component = manifest.packs[packName]?.components[role];
    if (!component) throw new Error(`the manifest's ${packName} pack has no "${role}" component`);
    if (component.modelId !== model.modelId) throw new Error(`the manifest's ${packName} ${role} is ${component.modelId}, the generator wrote ${model.modelId}`);
    component.files = files;
    await writeManifestFile(manifestPath, manifest);
    for (const graph of written.graphs) {
      const problem = checkParameters(model.modelId, graph);
      if (problem) problems.push(problem);
      problems.push(...operatorMismatches(model.modelId, graph.file, graph.opHistogram));
    }
    const seconds = (performance.now() - modelStartMs) / 1000;
    reports.push({ role, modelId: model.modelId, graphs: written.graphs, seconds });
    if (!values.json) {
      const megabytes = files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0) / 1e6;
      console.log(`${model.modelId} (${role}): ${files.length} files, ${megabytes.toFixed(1)} MB in ${seconds.toFixed(1)} s`);
      for (const graph of written.graphs) {
        const size = files.find((file) => file.path === `${model.modelId}/${graph.file}`)?.sizeBytes ?? 0;
        console.log(`  ${graph.file} [${graph.dtype}] ${(size / 1e6).toFixed(1)} MB, ${(graph.parameters / 1e6).toFixed(2)}M parameters (public: ${(graph.expectedParameters / 1e6).toFixed(2)}M, ${graph.expectedSource})`);
        console.log(`    ops: ${histogramLine(graph.opHistogram)}`);
      }
    }
  }
  const seconds = (performance.now() - startMs) / 1000;
  if (values.json) console.log(JSON.stringify({ pack: packName, seconds, models: reports, problems }, null, 2));
  else console.log(`make:scale-pack: ${packName} written in ${seconds.toFixed(0)} s to public/models/scale/`);
  if (problems.length > 0) throw new CliError(`the generated graphs differ from the public figures or their architecture:\n${problems.join('\n')}`, EXIT_FAILED_CHECK);
});
