import { readFile, rename, writeFile } from 'node:fs/promises';
import { CliError, EXIT_ENVIRONMENT } from '../cli/cliError';
import { parseManifest, type Manifest } from '../../src/models/manifest';
import { errorMessage } from '../../src/errorMessage';

export async function readManifestFile(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, EXIT_ENVIRONMENT);
  }
  try {
    return parseManifest(JSON.parse(text));
  } catch (error) {
    throw new CliError(`${path}: ${errorMessage(error)}`, EXIT_ENVIRONMENT);
  }
}

/** Writes through a temporary file so that an interrupted write never leaves half a manifest. */
export async function writeManifestFile(path: string, manifest: Manifest): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
