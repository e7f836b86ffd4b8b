// Regenerates public/models/manifest.schema.json from src/models/manifest.ts:
//   npx tsx scripts/models/writeManifestSchema.ts
import { writeFileSync } from 'node:fs';
import { manifestJsonSchemaText } from './manifestJsonSchema';
import { DEFAULT_MODELS_DIR } from './paths';
import { join } from 'node:path';

const target = join(DEFAULT_MODELS_DIR, 'manifest.schema.json');
writeFileSync(target, manifestJsonSchemaText());
console.log(`wrote ${target}`);
