import { readFileSync } from 'node:fs';
import { readWav, WavError, type WavAudio } from '../../src/audio/wav/readWav';
import { CliError } from './cliError';

/** Reads and decodes a WAV file; an unreadable or undecodable file becomes a one-line CliError. */
export function loadWav(path: string): WavAudio {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${path}: cannot read (${code === 'ENOENT' ? 'no such file' : (code ?? 'unknown error')})`);
  }
  try {
    return readWav(bytes);
  } catch (error) {
    if (error instanceof WavError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}
