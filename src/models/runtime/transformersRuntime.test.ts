// The error a failed model load reports: transformers.js' own "not found" gives way to the file error behind it
// (cause and remedy), but only when it names that file.
import { env } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../fetchModelFile';
import { configureTransformers, explainLoadError } from './transformersRuntime';

const MISSING = '/models/tiny/llm/onnx/model_missing.onnx';
/** transformers.js' words for a local file it could not get (src/utils/hub.js, ModelFileNotFoundError). */
const notFoundLocally = (path: string) => new Error(`\`local_files_only=true\` or \`env.allowRemoteModels=false\` and file was not found locally at "${path}".`);

async function failToFetch(url: string): Promise<unknown> {
  return env.fetch(url).then(() => null, (error: unknown) => error);
}

describe('explainLoadError', () => {
  configureTransformers('tiny', 1, 'plain');

  it('explains a load that failed on a file by that file\'s error, with its remedy, once', async () => {
    const fetchError = await failToFetch(MISSING);
    expect(fetchError).toBeInstanceOf(ModelFileError);
    const explained = explainLoadError(notFoundLocally(MISSING));
    expect(explained).toBe(fetchError);
    expect((explained as ModelFileError).message).toContain('npm run');
    const again = notFoundLocally(MISSING);
    expect(explainLoadError(again)).toBe(again);
  });

  it('leaves an error that names another file, or none, as it is: an optional file missed earlier is no cause', async () => {
    await failToFetch('/models/tiny/llm/generation_config.json');
    const wasmFailure = new Error('failed to create the session: protobuf parsing failed');
    expect(explainLoadError(wasmFailure)).toBe(wasmFailure);
    await failToFetch('/models/tiny/llm/generation_config.json');
    const otherFile = notFoundLocally(MISSING);
    expect(explainLoadError(otherFile)).toBe(otherFile);
  });
});
