import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEs4rConfig } from './es4rConfig';

const tinyJson = () => JSON.parse(readFileSync(join(process.cwd(), 'public/models/tiny/es4r/es4r.json'), 'utf8')) as Record<string, unknown>;

describe('es4r.json', () => {
  it('accepts what the importer writes (the tiny pack)', () => {
    const config = parseEs4rConfig(tinyJson(), 'es4r.json');
    expect(config.dims).toMatchObject({ melBins: 80, affectHeads: 16, whisperDModel: 64, llmHidden: 32 });
    expect(config.files.adapter).toEqual({ path: 'onnx/cformer_adapter.onnx', inputs: ['encoder_hidden'], outputs: ['speech_embeds', 'token_count'] });
  });

  it('names every wrong field, and how to rebuild the file', () => {
    const json = tinyJson();
    const bad = { ...json, version: 2, dims: { ...(json['dims'] as object), melBins: 128 }, files: { ...(json['files'] as object), crossAttention: undefined } };
    expect(() => parseEs4rConfig(bad, 'tiny/es4r/es4r.json')).toThrow(
      /^tiny\/es4r\/es4r\.json is not a valid ES4R component description \(rebuild it with npm run es4r:import\):\n {2}version: .*\n {2}dims\.melBins: .*\n {2}files\.crossAttention: /,
    );
  });
});
