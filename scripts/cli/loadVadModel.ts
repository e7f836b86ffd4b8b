import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, EXIT_ENVIRONMENT } from './cliError';

/** The same file the page serves, so the CLI and the browser run the same VAD weights. */
export const VAD_MODEL_PATH = join(import.meta.dirname, '../../public/models/vad/silero_vad_v5.onnx');

export function loadVadModel(): Uint8Array {
  try {
    return readFileSync(VAD_MODEL_PATH);
  } catch {
    throw new CliError(`VAD model missing at ${VAD_MODEL_PATH}; run 'npm install' (its postinstall copies it there)`, EXIT_ENVIRONMENT);
  }
}
