// `prestart`: says which model packs are complete, and how to get one (the page probes the server itself).
// It must never stop `npm start`, so every failure is a warning and the exit code stays 0.
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseManifest } from '../../src/models/manifest';
import { describeStatuses, packStatuses } from './packStatus';
import { DEFAULT_MODELS_DIR, REPO_ROOT } from './paths';
import { errorMessage } from '../../src/errorMessage';

function statUnder(modelsDir: string) {
  return (pathUnderModels: string): number | null => {
    try {
      const info = statSync(join(modelsDir, pathUnderModels));
      return info.isFile() ? info.size : null;
    } catch {
      return null;
    }
  };
}

function report(modelsDir: string): void {
  const manifest = parseManifest(JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')));
  const statuses = packStatuses(manifest, statUnder(modelsDir));
  process.stdout.write(describeStatuses(statuses, relative(REPO_ROOT, modelsDir) || modelsDir));
}

try {
  report(DEFAULT_MODELS_DIR);
} catch (error) {
  process.stdout.write(`models: could not check the model packs (${errorMessage(error)})\n`);
}
process.exitCode = 0;
