// `npm run make:scale-shallow`: writes the scale-shallow set into public/models/scale/ and its pack description beside
// it (not into the committed manifest), and prints how long each model took.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifestFile } from '../models/manifestFile';
import { DEFAULT_MODELS_DIR } from '../models/paths';
import { SCALE_SEED } from './scalePacks';
import { writeScaleShallow } from './scaleShallow';
import { SHALLOW_PACK_FILE, shallowPack } from './shallowPack';

const startMs = performance.now();
const written = await writeScaleShallow(DEFAULT_MODELS_DIR, SCALE_SEED);
const pack = await shallowPack(await readManifestFile(join(DEFAULT_MODELS_DIR, 'manifest.json')), DEFAULT_MODELS_DIR, written);
await writeFile(join(DEFAULT_MODELS_DIR, SHALLOW_PACK_FILE), `${JSON.stringify(pack, null, 2)}\n`);
for (const model of written) console.log(`${model.modelId} (${model.role}): ${model.files.length} files in ${model.seconds.toFixed(1)} s`);
console.log(`make:scale-shallow: written in ${((performance.now() - startMs) / 1000).toFixed(1)} s, pack in public/models/${SHALLOW_PACK_FILE}`);
