// Which of the speech path's components (es4r, speech_llm) a pack's manifest lacks.
import { join } from 'node:path';
import { readManifestFile } from '../models/manifestFile';
import { DEFAULT_MODELS_DIR } from '../models/paths';
import { CliError, EXIT_BAD_INPUT } from '../cli/cliError';

export async function missingSpeechComponents(pack: string): Promise<string[]> {
  const manifest = await readManifestFile(join(DEFAULT_MODELS_DIR, 'manifest.json'));
  const components = manifest.packs[pack]?.components;
  if (!components) throw new CliError(`no pack "${pack}" (packs: ${Object.keys(manifest.packs).join(', ')})`, EXIT_BAD_INPUT);
  return (['es4r', 'speech_llm'] as const).filter((role) => components[role] === undefined);
}
