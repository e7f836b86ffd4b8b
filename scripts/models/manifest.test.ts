import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dtypeFileName, packFiles, parseManifest, pathInRepo } from '../../src/models/manifest';
import { manifestJsonSchemaText } from './manifestJsonSchema';
import { DEFAULT_MODELS_DIR, REPO_ROOT } from './paths';

const committedJson: unknown = JSON.parse(readFileSync(join(DEFAULT_MODELS_DIR, 'manifest.json'), 'utf8'));

/** A deep copy of the committed manifest with one change applied. */
function broken(change: (manifest: any) => void): unknown {
  const copy = structuredClone(committedJson);
  change(copy);
  return copy;
}

describe('public/models/manifest.json', () => {
  const manifest = parseManifest(committedJson);

  it('has the four packs and the two scale packs, each with vad, asr, llm and tts', () => {
    expect(Object.keys(manifest.packs).sort()).toEqual(['default', 'lite', 'quality', 'scale-default', 'scale-lite', 'tiny']);
    for (const pack of Object.values(manifest.packs)) {
      expect(Object.keys(pack.components)).toEqual(expect.arrayContaining(['vad', 'asr', 'llm', 'tts']));
    }
  });

  it('builds the tiny and scale packs locally and downloads the others from the hub', () => {
    for (const pack of ['tiny', 'scale-lite', 'scale-default']) {
      const sources = packFiles(manifest, pack).filter((e) => e.role !== 'vad').map((e) => e.component.source.kind);
      expect(new Set(sources)).toEqual(new Set(['generated']));
    }
    for (const pack of ['default', 'lite', 'quality']) {
      const kinds = packFiles(manifest, pack).filter((e) => e.role !== 'vad').map((e) => e.component.source.kind);
      expect(new Set(kinds)).toEqual(new Set(['hub']));
    }
  });

  it('records the real size and sha256 of the VAD model that npm install copies', () => {
    const vadFile = manifest.packs.default?.components.vad.files[0];
    expect(vadFile?.verified).toBe(true);
    const source = join(REPO_ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
    if (!existsSync(source)) return;
    const bytes = readFileSync(source);
    expect(vadFile?.sizeBytes).toBe(bytes.length);
    expect(vadFile?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('lists, for every dtype a component asks for, the ONNX file transformers.js will load', () => {
    for (const pack of Object.keys(manifest.packs)) {
      for (const { component } of packFiles(manifest, pack)) {
        const paths = new Set(component.files.map((file) => pathInRepo(component, file)));
        for (const choice of Object.values(component.dtype)) {
          if (typeof choice === 'string') {
            expect(component.files.some((file) => file.dtype === choice)).toBe(true);
            continue;
          }
          for (const [moduleName, dtype] of Object.entries(choice)) expect(paths).toContain(dtypeFileName(moduleName, dtype));
        }
      }
    }
  });

  it('equals the committed JSON Schema generated from the zod schema', () => {
    const committedSchema = readFileSync(join(DEFAULT_MODELS_DIR, 'manifest.schema.json'), 'utf8');
    expect(committedSchema, 'run: npx tsx scripts/models/writeManifestSchema.ts').toBe(manifestJsonSchemaText());
  });
});

describe('parseManifest errors', () => {
  const errorOf = (json: unknown): string => {
    try {
      parseManifest(json);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected parseManifest to throw');
  };

  it('names the path and the problem', () => {
    const message = errorOf(broken((m) => (m.packs.default.components.asr.files[0].sha256 = 'abc')));
    expect(message).toContain('packs.default.components.asr.files[0].sha256: must be 64 lowercase hex digits');
  });

  it('reports a missing component and a wrong schema version', () => {
    const message = errorOf(
      broken((m) => {
        m.schemaVersion = 2;
        delete m.packs.lite.components.tts;
      }),
    );
    expect(message).toContain('schemaVersion:');
    expect(message).toContain('packs.lite.components.tts:');
  });

  it('refuses a verified file without a hash and a hub file outside its model id', () => {
    const message = errorOf(
      broken((m) => {
        m.packs.quality.components.llm.files[0].verified = true;
        m.packs.quality.components.tts.files[0].path = 'elsewhere/config.json';
      }),
    );
    expect(message).toContain('packs.quality.components.llm.files[0].verified: a verified file needs sizeBytes and sha256');
    expect(message).toContain('packs.quality.components.tts.files[0].path: must start with "onnx-community/Kokoro-82M-v1.0-ONNX/"');
  });

  it('refuses a pinned revision that is not a commit sha', () => {
    const message = errorOf(broken((m) => (m.packs.default.components.asr.source.revisionPinned = true)));
    expect(message).toContain('packs.default.components.asr.source.revision: a pinned revision must be a 40-hex commit sha');
  });
});

describe('dtypeFileName', () => {
  it('follows the transformers.js suffixes', () => {
    expect(dtypeFileName('encoder_model', 'fp32')).toBe('onnx/encoder_model.onnx');
    expect(dtypeFileName('encoder_model', 'fp16')).toBe('onnx/encoder_model_fp16.onnx');
    expect(dtypeFileName('decoder_model_merged', 'q8')).toBe('onnx/decoder_model_merged_quantized.onnx');
    expect(dtypeFileName('decoder_model_merged', 'q4')).toBe('onnx/decoder_model_merged_q4.onnx');
    expect(dtypeFileName('model', 'q4f16')).toBe('onnx/model_q4f16.onnx');
  });
});
