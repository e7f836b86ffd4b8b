// The JSON Schema of study files, derived from the zod schema, for editors (public/studies/study.schema.json).
import { z } from 'zod';
import { studyFileSchema } from './studyFile';

/** Refinements (unique condition ids, a fixed condition that exists, speech-only switches) are checked by parseStudyFile only. */
export function studyJsonSchemaText(): string {
  const schema = z.toJSONSchema(studyFileSchema, { target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'ES4R study file' }, null, 2)}\n`;
}
