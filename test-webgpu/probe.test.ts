import { env } from '@huggingface/transformers';
import { it } from 'vitest';
import { whisperFamily } from '../src/models/asr/whisperFamily';
import { llmFamily } from '../src/models/llm/llmFamily';
import { kokoroFamily } from '../src/models/tts/kokoroFamily';
import { compareOutputs } from '../src/models/selfCheck/compareOutputs';
import type { ModelFamily } from '../src/models/loadModel';

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = `${process.cwd()}/public/models/`;

async function probe<M>(name: string, family: ModelFamily<M>, id: string) {
  const out: Float32Array[][] = [];
  for (const device of ['cpu', 'webgpu'] as const) {
    let t = performance.now();
    const m = await family.load(id, device, 'fp32', () => {});
    const loadMs = performance.now() - t;
    t = performance.now();
    out.push(await family.warmUp(m));
    const w1 = performance.now() - t;
    t = performance.now();
    await family.warmUp(m);
    console.log(name, device, 'load', loadMs.toFixed(0), 'warm', w1.toFixed(0), 'warm2', (performance.now() - t).toFixed(0));
    await family.dispose(m);
  }
  console.log(name, compareOutputs(out[1]!, out[0]!));
}

it('probe', async () => {
  await probe('llm', llmFamily, 'tiny/llm');
  await probe('llm-embeds', llmFamily, 'tiny/llm-embeds');
  await probe('kokoro', kokoroFamily, 'tiny/kokoro');
  await probe('whisper', whisperFamily, 'tiny/whisper');
}, 300_000);
