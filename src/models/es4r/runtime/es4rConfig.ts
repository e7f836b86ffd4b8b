// es4r.json: what an ES4R component (written by `npm run es4r:import` or `make:tiny-pack`) declares about its graphs.
import { z } from 'zod';
import { parseOrThrow } from '../../../schemaIssues';
import { ATTENTION_HEADS, MEL_BINS } from '../stage1/stage1Types';

/** What fixes a broken ES4R component, appended to errors about it. */
export const ES4R_REMEDY = '; rebuild the component with npm run es4r:import';

const positiveInt = z.number().int().positive();

const graphFileSchema = z.object({
  path: z.string().min(1),
  inputs: z.array(z.string().min(1)),
  outputs: z.array(z.string().min(1)),
});

export const es4rConfigSchema = z.object({
  format: z.literal('es4r-web'),
  version: z.literal(1),
  source: z.record(z.string(), z.string()),
  /** Model ids of the Whisper and the embeddings-in LLM the weights were trained with. */
  pairs: z.object({ whisper: z.string().nullable(), llm: z.string().nullable() }),
  dims: z.object({
    melBins: z.literal(MEL_BINS),
    affectHeads: z.literal(ATTENTION_HEADS),
    whisperDModel: positiveInt,
    cformerFfnDim: positiveInt,
    cformerHeads: positiveInt,
    preCifLayers: z.number().int().nonnegative(),
    postCifLayers: z.number().int().nonnegative(),
    llmHidden: positiveInt,
    llmHeads: positiveInt,
  }),
  files: z.object({
    subsampler: graphFileSchema,
    affectAttention: graphFileSchema,
    adapter: graphFileSchema,
    crossAttention: graphFileSchema,
  }),
});

export type Es4rConfig = z.infer<typeof es4rConfigSchema>;
export type Es4rGraphName = keyof Es4rConfig['files'];

/** Parses es4r.json; a wrong file says which field is wrong. */
export function parseEs4rConfig(json: unknown, where: string): Es4rConfig {
  return parseOrThrow(es4rConfigSchema, json, (issues) => new Error(`${where} is not a valid ES4R component description (rebuild it with npm run es4r:import):\n${issues}`));
}
