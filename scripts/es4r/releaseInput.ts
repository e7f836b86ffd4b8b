// Reading an official-release ES4R checkpoint (safetensors) and its config.json for the CLIs
// (es4r-import, es4r-probe): unreadable or bad input becomes a one-line CliError (exit code 2).
import { readFile } from 'node:fs/promises';
import { CheckpointError, parseReleaseConfig, tensorSourceFromMap, weightsFromRelease, type Es4rDims, type Es4rWeights } from './checkpoint/releaseNames';
import { readFloatTensors, SafetensorsError } from './checkpoint/safetensors';
import { CliError } from '../cli/cliError';
import { errorMessage } from '../../src/errorMessage';

export async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${what} ${path}${code ? ` (${code})` : ''}`);
  }
}

export function parseJson(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new CliError(`${path}: not valid JSON (${errorMessage(error)})`);
  }
}

export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

/** The release config.json -> the ES4R dims. */
export async function readReleaseDims(configPath: string): Promise<Es4rDims> {
  const json = parseJson(await readInput(configPath, 'config'), configPath);
  try {
    return parseReleaseConfig(json).dims;
  } catch (error) {
    if (error instanceof CheckpointError) throw new CliError(oneLine(error.message));
    throw error;
  }
}

/** The release safetensors -> our weight structures (names mapped, shapes checked against dims). */
export async function readReleaseWeights(checkpointPath: string, dims: Es4rDims): Promise<Es4rWeights> {
  const bytes = await readInput(checkpointPath, 'checkpoint');
  try {
    const tensors = readFloatTensors(bytes);
    return weightsFromRelease(tensorSourceFromMap(tensors), dims, tensors.keys());
  } catch (error) {
    if (error instanceof CheckpointError) throw new CliError(oneLine(error.message));
    if (error instanceof SafetensorsError) throw new CliError(`${checkpointPath}: ${oneLine(error.message)}`);
    throw error;
  }
}
