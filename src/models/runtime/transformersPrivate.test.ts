// An upgrade of transformers.js must fail here, loudly, before it breaks the app at run time: the private calls
// the code relies on (transformersPrivate.ts) and the architecture the embeddings-in LLM poses as are checked
// against the installed package, whose version must be the exact one package.json pins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoModelForCausalLM, WhisperForConditionalGeneration } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { encoderAccess } from './transformersPrivate';

const ROOT = process.cwd();
const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;

describe('transformers.js private surface', () => {
  it('is the exact version package.json pins (re-check this file after an upgrade)', () => {
    const pinned = (readJson('package.json').dependencies as Record<string, string>)['@huggingface/transformers'];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readJson('node_modules/@huggingface/transformers/package.json').version).toBe(pinned);
  });

  it("Whisper still has _encode_input and forward_params, and encoder_outputs joins the forward params", () => {
    const model = new WhisperForConditionalGeneration({ model_type: 'whisper' } as never, {}, {});
    const access = encoderAccess(model);
    expect(typeof access._encode_input).toBe('function');
    expect(access.forward_params).toEqual(expect.arrayContaining(['input_features', 'decoder_input_ids', 'past_key_values', 'encoder_outputs']));
  });

  it('refuses clearly when the internals are gone', () => {
    expect(() => encoderAccess({} as WhisperForConditionalGeneration)).toThrow(/_encode_input\/forward_params/);
  });

  it('still maps the architecture the exported ES4R LLM poses as to a causal LM', () => {
    const layout = JSON.parse(readFileSync(join(ROOT, 'scripts/es4r-export/llmLayout.json'), 'utf8')) as { model_type: string };
    const mapping = (AutoModelForCausalLM as unknown as { MODEL_CLASS_MAPPINGS: Map<string, unknown>[] }).MODEL_CLASS_MAPPINGS;
    expect(mapping.some((map) => map.has(layout.model_type))).toBe(true);
  });
});
