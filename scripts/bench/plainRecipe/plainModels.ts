// The plain recipe's models in Node: the voice read from the models directory.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pack } from '../../../src/models/manifest';
import { DEFAULT_MODELS_DIR } from '../../models/paths';
import { loadPlainModelSet, type PlainModels } from './plainModelSet';

export type { PlainModels } from './plainModelSet';

export function loadPlainModels(components: Pack['components'], device: 'cpu' | 'webgpu', shaderF16: boolean): Promise<PlainModels> {
  return loadPlainModelSet(components, device, shaderF16, async (modelId, voiceName) => new Uint8Array(await readFile(join(DEFAULT_MODELS_DIR, modelId, 'voices', `${voiceName}.bin`))));
}
