// The model-pack manifest (public/models/manifest.json): schema, types and helpers.
// Shared by the page and the Node scripts, so nothing here may import Node modules.
import { z } from 'zod';
import { parseOrThrow } from '../schemaIssues';

/** transformers.js dtype names; each maps to an ONNX file name suffix (see dtypeFileName). */
export const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type Dtype = (typeof DTYPES)[number];

const DTYPE_SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

export const COMPONENT_ROLES = ['vad', 'asr', 'llm', 'tts', 'style_encoder', 'es4r', 'speech_llm'] as const;
export type ComponentRole = (typeof COMPONENT_ROLES)[number];

const SHA256_HEX = /^[0-9a-f]{64}$/;
const COMMIT_SHA = /^[0-9a-f]{40}$/;

export const dtypeSchema = z.enum(DTYPES);

/** One dtype for the whole model, or one per ONNX module (e.g. Whisper's encoder fp32, decoder q4). */
export const dtypeChoiceSchema = z.union([dtypeSchema, z.record(z.string().min(1), dtypeSchema)]);

const relativePathSchema = z
  .string()
  .min(1)
  .refine((path) => !path.startsWith('/') && !path.split('/').some((part) => part === '..' || part === '.' || part === ''), {
    message: 'must be a relative path without "..", "." or empty segments',
  });

export const hubSourceSchema = z
  .object({
    kind: z.literal('hub'),
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be "owner/name"'),
    revision: z.string().min(1).describe('a 40-hex commit sha when pinned, else a branch or tag'),
    revisionPinned: z.boolean().describe('true only when revision is a commit sha that was checked'),
  })
  .refine((source) => !source.revisionPinned || COMMIT_SHA.test(source.revision), {
    message: 'a pinned revision must be a 40-hex commit sha',
    path: ['revision'],
  });

export const npmSourceSchema = z.object({
  kind: z.literal('npm'),
  package: z.string().min(1),
  version: z.string().min(1),
  path: z.string().min(1).describe('path of the file inside the npm package'),
});

export const generatedSourceSchema = z.object({
  kind: z.literal('generated'),
  script: z.string().min(1).describe('the npm script that writes the files, e.g. "make:tiny-pack"'),
});

export const sourceSchema = z.discriminatedUnion('kind', [hubSourceSchema, npmSourceSchema, generatedSourceSchema]);

export const licenceSchema = z.union([
  z.object({ spdx: z.string().min(1), url: z.url().optional() }),
  z.object({ name: z.string().min(1), url: z.url() }),
]);

export const modelFileSchema = z
  .object({
    path: relativePathSchema.describe('relative to public/models/'),
    sizeBytes: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .describe('exact when verified; otherwise the rounded size the hub lists, or null'),
    sha256: z.string().regex(SHA256_HEX, 'must be 64 lowercase hex digits').nullable(),
    dtype: dtypeSchema.optional().describe('absent for files every dtype shares (config, tokenizer, voices)'),
    verified: z.boolean().describe('true when sizeBytes and sha256 were measured on the real file'),
  })
  .refine((file) => !file.verified || (file.sizeBytes !== null && file.sha256 !== null), {
    message: 'a verified file needs sizeBytes and sha256',
    path: ['verified'],
  });

const componentFields = {
  modelId: z.string().min(1).describe('the id transformers.js loads: files live under /models/<modelId>/'),
  source: sourceSchema,
  licence: licenceSchema,
  dtype: z.object({
    webgpu: dtypeChoiceSchema,
    webgpuNoF16: dtypeChoiceSchema.optional().describe('when the adapter lacks shader-f16; defaults to webgpu'),
    wasm: dtypeChoiceSchema,
  }),
  files: z.array(modelFileSchema).min(1),
};

type ComponentFields = z.infer<z.ZodObject<typeof componentFields>>;

/** Hub files must sit under the model id, because transformers.js resolves /models/<id>/<path in repo>. */
function checkHubPaths(component: ComponentFields, ctx: z.RefinementCtx): void {
  if (component.source.kind !== 'hub') return;
  component.files.forEach((file, index) => {
    if (!file.path.startsWith(`${component.modelId}/`)) {
      ctx.addIssue({ code: 'custom', message: `must start with "${component.modelId}/"`, path: ['files', index, 'path'] });
    }
  });
}

export const componentSchema = z.object(componentFields).superRefine(checkHubPaths);

export const voicePresetSchema = z.object({
  mix: z.record(z.string().min(1), z.number().positive()).refine((mix) => Object.keys(mix).length > 0, { message: 'needs at least one voice' })
    .describe('voice name -> weight; weights are normalised when blending'),
  speed: z.number().positive().describe('1 = the voice\'s natural pace'),
});

/** Voice presets per ES4R strategy (docs/es4r.md Stage 3), used when the pack has no style encoder. */
export const voicesSchema = z.object({
  default: z.string().min(1).describe('the voice name (voices/<name>.bin) spoken when nothing else is chosen'),
  presets: z.object({ comfort: voicePresetSchema, encourage: voicePresetSchema, neutral: voicePresetSchema }),
});

export const ttsComponentSchema = z
  .object({ ...componentFields, voices: voicesSchema.optional() })
  .superRefine(checkHubPaths)
  .superRefine((component, ctx) => {
    // Every voice a preset names must be a file of the component, or blending would fail at run time.
    if (!component.voices) return;
    const shipped = new Set(component.files.map((file) => /\/voices\/([^/]+)\.bin$/.exec(file.path)?.[1]).filter(Boolean));
    const { default: defaultVoice, presets } = component.voices;
    const named: [string, PropertyKey[]][] = [[defaultVoice, ['voices', 'default']]];
    for (const [strategy, preset] of Object.entries(presets)) {
      for (const name of Object.keys(preset.mix)) named.push([name, ['voices', 'presets', strategy, 'mix', name]]);
    }
    for (const [name, path] of named) {
      if (!shipped.has(name)) ctx.addIssue({ code: 'custom', message: `no voices/${name}.bin in the component's files`, path });
    }
  });

export const packSchema = z.object({
  description: z.string().min(1),
  components: z.object({
    vad: componentSchema,
    asr: componentSchema,
    llm: componentSchema,
    tts: ttsComponentSchema,
    style_encoder: componentSchema.optional(),
    es4r: componentSchema.optional().describe('the ES4R front, adapter and cross-attention graphs (es4r.json + onnx/)'),
    speech_llm: componentSchema.optional().describe('the LLM in the embed_tokens + decoder_model_merged layout, fed speech vectors as embeddings'),
  }),
});

export const manifestSchema = z.object({
  $schema: z.string().optional().describe('"./manifest.schema.json", for editors'),
  schemaVersion: z.literal(1),
  packs: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'pack names are lowercase words'), packSchema),
});

export type HubSource = z.infer<typeof hubSourceSchema>;
export type ModelSource = z.infer<typeof sourceSchema>;
export type ModelFile = z.infer<typeof modelFileSchema>;
export type ModelComponent = z.infer<typeof componentSchema>;
export type VoicePreset = z.infer<typeof voicePresetSchema>;
export type VoicePresets = z.infer<typeof voicesSchema>;
export type Pack = z.infer<typeof packSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** Validates a parsed manifest.json; the error lists one "path: problem" line per issue. */
export function parseManifest(json: unknown): Manifest {
  return parseOrThrow(manifestSchema, json, (issues) => new ManifestError(`invalid model manifest:\n${issues}`));
}


/** The ONNX file transformers.js loads for a module and dtype, e.g. ("encoder_model", "fp16") -> "onnx/encoder_model_fp16.onnx". */
export function dtypeFileName(moduleName: string, dtype: Dtype): string {
  return `onnx/${moduleName}${DTYPE_SUFFIX[dtype]}.onnx`;
}

export interface PackFile {
  role: ComponentRole;
  component: ModelComponent;
  file: ModelFile;
}

/** Every file of a pack, in component order; throws when the pack does not exist. */
export function packFiles(manifest: Manifest, packName: string): PackFile[] {
  const pack = manifest.packs[packName];
  if (!pack) {
    throw new ManifestError(`no pack "${packName}" in the manifest (packs: ${Object.keys(manifest.packs).join(', ')})`);
  }
  return COMPONENT_ROLES.flatMap((role) => {
    const component = pack.components[role];
    return component ? component.files.map((file) => ({ role, component, file })) : [];
  });
}

/** Where a hub file lives inside its repository: its manifest path without the "<modelId>/" prefix. */
export function pathInRepo(component: ModelComponent, file: ModelFile): string {
  return file.path.slice(component.modelId.length + 1);
}

/** The module a dtype-specific file belongs to: "onnx/encoder_model_q4.onnx" (q4) -> "encoder_model". */
export function moduleOfFile(file: ModelFile): string | null {
  if (!file.dtype) return null;
  const name = file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\.onnx(_data)?$/, '');
  const suffix = DTYPE_SUFFIX[file.dtype];
  return suffix && name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}

type DtypeChoice = ModelComponent['dtype']['wasm'];

/** Whether a file is needed to run a component with one of `choices` (files every dtype shares always are). */
export function fileRunsWith(file: ModelFile, choices: readonly DtypeChoice[]): boolean {
  if (!file.dtype) return true;
  const module = moduleOfFile(file);
  return choices.some((choice) => {
    if (typeof choice === 'string') return choice === file.dtype;
    // A module the per-file choice does not name loads as fp32.
    return (module !== null && choice[module] !== undefined ? choice[module] : 'fp32') === file.dtype;
  });
}

/** Every dtype a component may run with on some device: WebGPU's, WebGPU's without shader-f16, and wasm's. */
export function runnableDtypes(component: ModelComponent): DtypeChoice[] {
  const { webgpu, webgpuNoF16, wasm } = component.dtype;
  return webgpuNoF16 ? [webgpu, webgpuNoF16, wasm] : [webgpu, wasm];
}

/**
 * The files of a pack a device may load: per component those of `choices(role)` (by default every runnable
 * dtype), so a download or an offline cache holds no dtype that never runs.
 */
export function packFilesThatRun(manifest: Manifest, packName: string, choices: (entry: PackFile) => readonly DtypeChoice[] = ({ component }) => runnableDtypes(component)): PackFile[] {
  return packFiles(manifest, packName).filter((entry) => fileRunsWith(entry.file, choices(entry)));
}
