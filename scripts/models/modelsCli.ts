import { join, resolve } from 'node:path';
import { CliError, EXIT_ENVIRONMENT } from '../cli/cliError';
import { parseCliArgs, usageError } from '../cli/parseCliArgs';
import { packFiles, packFilesThatRun, type Manifest } from '../../src/models/manifest';
import { fetchPack } from './fetchPack';
import { resolveHubBaseUrl } from './hubUrl';
import { readManifestFile, writeManifestFile } from './manifestFile';
import { DEFAULT_MODELS_DIR } from './paths';
import type { ProgressOutput } from './progressBar';
import { formatProblems, verifyPack } from './verify';
import { errorMessage } from '../../src/errorMessage';

/** A stalled connection is abandoned after this long without a byte. */
const IDLE_TIMEOUT_MS = 30_000;

const spec = {
  usage: 'npm run models -- <pack> [--all-dtypes] [--verify] [--record] [--base-url URL] [--models-dir DIR] [--manifest FILE]',
  positionals: ['<pack>'],
  options: {
    'all-dtypes': { type: 'boolean' },
    verify: { type: 'boolean' },
    record: { type: 'boolean' },
    'base-url': { type: 'string' },
    'models-dir': { type: 'string' },
    manifest: { type: 'string' },
  },
} as const;

export interface ModelsCliIo {
  stdout: ProgressOutput;
  stderr: { write(text: string): void };
  env: NodeJS.ProcessEnv;
}

/** `npm run models`; returns the exit code. */
export async function runModelsCli(argv: string[], io: ModelsCliIo): Promise<number> {
  try {
    await main(argv, io);
    return 0;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.stderr.write(`models: ${error.message}\n`);
    return error.exitCode;
  }
}

async function main(argv: string[], io: ModelsCliIo): Promise<void> {
  const { values, positionals } = parseCliArgs(spec, argv);
  const packName = positionals[0] ?? '';
  if (values.verify && values.record) throw usageError(spec.usage, '--verify is offline and --record needs a download: use one');
  const modelsDir = resolve(values['models-dir'] ?? DEFAULT_MODELS_DIR);
  const manifestPath = resolve(values.manifest ?? join(modelsDir, 'manifest.json'));
  const manifest = await readManifestFile(manifestPath);
  const allDtypes = values['all-dtypes'] ?? false;
  const entries = filesOfPack(manifest, packName, allDtypes);
  const fileCount = entries.length;

  if (values.verify) {
    const problems = await verifyPack(manifest, packName, modelsDir);
    if (problems.length > 0) {
      throw new CliError(`pack ${packName}: ${problems.length} of ${fileCount} files missing or wrong in ${modelsDir}:\n${formatProblems(problems)}`, EXIT_ENVIRONMENT);
    }
    io.stdout.write(`pack ${packName}: all ${fileCount} files present and matching the manifest in ${modelsDir}\n`);
    return;
  }

  const outcome = await fetchPack({
    manifest,
    packName,
    modelsDir,
    baseUrl: resolveHubBaseUrl(values['base-url'], io.env),
    record: values.record ?? false,
    allDtypes,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    output: io.stdout,
    saveManifest: (changed) => writeManifestFile(manifestPath, changed),
  });
  if (outcome.uncheckedPaths.length > 0) {
    io.stdout.write(`note: ${outcome.uncheckedPaths.length} file(s) have no sha256 in the manifest and were checked by size only; --record measures and pins them\n`);
  }
  if (outcome.problems.length > 0) {
    const builtLocally = !entries.some((entry) => entry.component.source.kind === 'hub');
    const lead = builtLocally ? `pack ${packName} is built locally, not downloaded; ` : `pack ${packName}: `;
    throw new CliError(`${lead}${outcome.problems.length} file(s) missing:\n${formatProblems(outcome.problems)}`, EXIT_ENVIRONMENT);
  }
  io.stdout.write(`pack ${packName}: complete in ${modelsDir} (${outcome.downloadedPaths.length} file(s) downloaded)\n`);
}

function filesOfPack(manifest: Manifest, packName: string, allDtypes: boolean) {
  try {
    return allDtypes ? packFiles(manifest, packName) : packFilesThatRun(manifest, packName);
  } catch (error) {
    throw new CliError(errorMessage(error));
  }
}
