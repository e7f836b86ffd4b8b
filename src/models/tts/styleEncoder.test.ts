import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../audio/wav/readWav';
import { REFERENCE_MEL_MIN_SAMPLES_16K } from './referenceMel';
import { STYLE_DIM, StyleEncoder } from './styleEncoder';

/** Written by `npm run make:tiny-pack`. */
const MODEL_PATH = 'public/models/tiny/style-encoder/onnx/model.onnx';
const QUIETER_DB = 12;

function speech16k(): Float32Array {
  const wav = readWav(new Uint8Array(readFileSync('fixtures/speech-16k.wav')));
  expect(wav.sampleRateHz).toBe(16_000);
  return wav.samples;
}

const meanAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((sum, value, i) => sum + Math.abs(value - b[i]!), 0) / a.length;

describe('StyleEncoder (tiny model, wasm)', () => {
  let encoder: StyleEncoder;
  beforeAll(async () => {
    encoder = await StyleEncoder.create(new Uint8Array(readFileSync(MODEL_PATH)));
  });
  afterAll(async () => {
    await encoder?.release();
  });

  it('gives a finite 256-d style, the same on every call', async () => {
    const speech = speech16k();
    const first = await encoder.styleOf(speech);
    expect(first.length).toBe(STYLE_DIM);
    expect(first.every(Number.isFinite)).toBe(true);
    expect(await encoder.styleOf(speech)).toEqual(first);
  });

  it(`gives another style for the same speech ${QUIETER_DB} dB quieter (mean abs diff > 0.05; measured 0.19)`, async () => {
    const speech = speech16k();
    const gain = 10 ** (-QUIETER_DB / 20);
    const quieter = speech.map((sample) => sample * gain);
    expect(meanAbsDiff(await encoder.styleOf(speech), await encoder.styleOf(quieter))).toBeGreaterThan(0.05);
  });

  it('says when the audio is too short for one frame', async () => {
    await expect(encoder.styleOf(new Float32Array(REFERENCE_MEL_MIN_SAMPLES_16K - 1))).rejects.toThrow(/too short for one mel frame/);
    expect((await encoder.styleOf(new Float32Array(REFERENCE_MEL_MIN_SAMPLES_16K))).length).toBe(STYLE_DIM);
  });

  it('rejects a model without the mel -> style contract', async () => {
    await expect(StyleEncoder.create(new Uint8Array(readFileSync('public/models/vad/silero_vad_v5.onnx')))).rejects.toThrow(/expected input 'mel'/);
  });
});
