import { z } from 'zod';
import { componentSchema, dtypeChoiceSchema, licenceSchema, manifestSchema, modelFileSchema, packSchema, sourceSchema } from '../../src/models/manifest';

// Named definitions make the generated file readable (otherwise zod inlines or numbers them).
const definitions = z.registry<{ id: string }>();
definitions.add(packSchema, { id: 'Pack' });
definitions.add(componentSchema, { id: 'Component' });
definitions.add(sourceSchema, { id: 'Source' });
definitions.add(licenceSchema, { id: 'Licence' });
definitions.add(dtypeChoiceSchema, { id: 'DtypeChoice' });
definitions.add(modelFileSchema, { id: 'ModelFile' });

/** The JSON Schema of manifest.json, derived from the zod schema (refinements are checked by parseManifest only). */
export function manifestJsonSchemaText(): string {
  const schema = z.toJSONSchema(manifestSchema, { target: 'draft-2020-12', metadata: definitions });
  return `${JSON.stringify({ ...schema, title: 'Model-pack manifest (public/models/manifest.json)' }, null, 2)}\n`;
}
