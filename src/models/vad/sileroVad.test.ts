import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../audio/wav/readWav';
import { SileroVad } from './sileroVad';
import { VAD_CHUNK_SAMPLES } from './vadContract';

const MODEL_PATH = 'public/models/vad/silero_vad_v5.onnx';

async function probabilities(vad: SileroVad, samples: Float32Array): Promise<number[]> {
  const result: number[] = [];
  for (let start = 0; start + VAD_CHUNK_SAMPLES <= samples.length; start += VAD_CHUNK_SAMPLES) {
    result.push(await vad.probability(samples.subarray(start, start + VAD_CHUNK_SAMPLES)));
  }
  return result;
}

function fixture16k(name: string): Float32Array {
  const wav = readWav(new Uint8Array(readFileSync(`fixtures/${name}`)));
  expect(wav.sampleRateHz).toBe(16_000);
  return wav.samples;
}

describe('SileroVad (v5, wasm)', () => {
  let vad: SileroVad;
  beforeAll(async () => {
    vad = await SileroVad.create(new Uint8Array(readFileSync(MODEL_PATH)));
  });

  it('finds speech in espeak speech: some chunk above 0.8', async () => {
    vad.reset();
    const probs = await probabilities(vad, fixture16k('speech-16k.wav'));
    expect(Math.max(...probs)).toBeGreaterThan(0.8);
    expect(probs.every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('finds none in digital silence: every chunk below 0.1', async () => {
    vad.reset();
    const probs = await probabilities(vad, fixture16k('silence-16k.wav'));
    expect(probs.length).toBe(Math.floor(5 * 16_000 / VAD_CHUNK_SAMPLES));
    expect(Math.max(...probs)).toBeLessThan(0.1);
  });

  it('reset() makes a second pass over the same audio give the same probabilities', async () => {
    const speech = fixture16k('speech-16k.wav').subarray(0, 40 * VAD_CHUNK_SAMPLES);
    vad.reset();
    const first = await probabilities(vad, speech);
    vad.reset();
    const second = await probabilities(vad, speech);
    expect(second).toEqual(first);
  });

  it('carries context and state across chunks: without reset the same chunk scores differently', async () => {
    const speech = fixture16k('speech-16k.wav');
    const chunk = speech.slice(20 * VAD_CHUNK_SAMPLES, 21 * VAD_CHUNK_SAMPLES);
    vad.reset();
    const fresh = await vad.probability(chunk);
    await probabilities(vad, speech.subarray(0, 20 * VAD_CHUNK_SAMPLES));
    const afterHistory = await vad.probability(chunk);
    expect(Math.abs(afterHistory - fresh)).toBeGreaterThan(1e-4);
  });

  it('matches a session run by hand with the v5 contract: [last 64 samples of the previous chunk | chunk], state carried', async () => {
    const speech = fixture16k('speech-16k.wav');
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(MODEL_PATH)), { executionProviders: ['wasm'] });
    let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
    const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
    const expected: number[] = [];
    for (let start = 0; start < 30 * VAD_CHUNK_SAMPLES; start += VAD_CHUNK_SAMPLES) {
      const window = new Float32Array(64 + VAD_CHUNK_SAMPLES);
      if (start > 0) window.set(speech.subarray(start - 64, start), 0);
      window.set(speech.subarray(start, start + VAD_CHUNK_SAMPLES), 64);
      const out = await session.run({ input: new ort.Tensor('float32', window, [1, window.length]), state, sr });
      expected.push((out['output']!.data as Float32Array)[0]!);
      state = out['stateN']!;
    }
    await session.release();
    vad.reset();
    const actual = await probabilities(vad, speech.subarray(0, 30 * VAD_CHUNK_SAMPLES));
    expect(actual).toEqual(expected);
  });

  it('rejects a chunk that is not 512 samples', async () => {
    await expect(vad.probability(new Float32Array(480))).rejects.toThrow(/512/);
  });
});
