// Regenerates public/studies/study.schema.json from src/study/studyFile.ts: npm run -s study:schema
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { studyJsonSchemaText } from '../src/study/studyJsonSchema';

const target = fileURLToPath(new URL('../public/studies/study.schema.json', import.meta.url));
writeFileSync(target, studyJsonSchemaText());
console.log(`wrote ${target}`);
