import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kokoroFamily, type KokoroBundle } from './kokoroFamily';
import { KOKORO_MAX_PHONEMES, loadVoiceTable, synthesize, voiceRow } from './kokoroSpeaker';

const MODELS_DIR = join(process.cwd(), 'public', 'models');
const MODEL_ID = 'tiny/kokoro';
/** The tiny model's contract (scripts/tinyPack/kokoroGraph.ts): 6 frames per token at speed 1, 300 samples per frame. */
const samplesFor = (tokensWithPads: number, speed: number) => Math.round((6 * tokensWithPads) / speed) * 300;

let bundle: KokoroBundle;
const voice = (name: string) => loadVoiceTable(readFileSync(join(MODELS_DIR, MODEL_ID, 'voices', `${name}.bin`)));

beforeAll(async () => {
  if (!existsSync(join(MODELS_DIR, MODEL_ID))) throw new Error('public/models/tiny/kokoro is missing: run `npm run make:tiny-pack` first.');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  bundle = await kokoroFamily.load(MODEL_ID, 'cpu', 'fp32', () => {});
});

afterAll(async () => {
  if (bundle) await kokoroFamily.dispose(bundle);
});

const SENTENCE = 'Hello there. It is 3:30, and you are doing well!';

describe('synthesize on the tiny Kokoro', () => {
  it('makes 24 kHz audio of the designed length for the phonemes it reports', async () => {
    const result = await synthesize(bundle, SENTENCE, { style: null, voice: voice('af_heart'), speed: 1 });
    expect(result.chunks).toBe(1);
    expect(result.phonemes).toBeGreaterThan(20);
    expect(result.audio.length).toBe(samplesFor(result.phonemes + 2, 1));
    expect(Object.values(result.timingsMs).every((ms) => ms >= 0)).toBe(true);
  });

  it('changes the duration by 1/speed (0.5, 1, 2) within 5%', async () => {
    const heart = voice('af_heart');
    const [slow, normal, fast] = await Promise.all([0.5, 1, 2].map(async (speed) => (await synthesize(bundle, SENTENCE, { style: null, voice: heart, speed })).audio.length));
    expect(Math.abs(slow! / normal! - 2) / 2).toBeLessThan(0.05);
    expect(Math.abs(normal! / fast! - 2) / 2).toBeLessThan(0.05);
  });

  it('is deterministic, and a different style changes the samples', async () => {
    const heart = voice('af_heart');
    const first = await synthesize(bundle, SENTENCE, { style: null, voice: heart, speed: 1 });
    const again = await synthesize(bundle, SENTENCE, { style: null, voice: heart, speed: 1 });
    expect(again.audio).toEqual(first.audio);
    const michael = await synthesize(bundle, SENTENCE, { style: null, voice: voice('am_michael'), speed: 1 });
    const given = await synthesize(bundle, SENTENCE, { style: voiceRow(voice('bf_emma'), 3), voice: heart, speed: 1 });
    for (const other of [michael, given]) {
      expect(other.audio.length).toBe(first.audio.length);
      expect(Math.max(...other.audio.map((x, i) => Math.abs(x - first.audio[i]!)))).toBeGreaterThan(0.01);
    }
  });

  it('chunks a 3,000-character text at <= 510 phonemes per call; the audio is the sum of the chunks', async () => {
    const paragraph = 'I hear you, and it makes sense that today felt heavy; take a slow breath with me. ';
    const text = paragraph.repeat(Math.ceil(3000 / paragraph.length));
    expect(text.length).toBeGreaterThanOrEqual(3000);
    const calls: number[] = [];
    const counting: KokoroBundle = {
      tokenizer: bundle.tokenizer,
      model: (async (inputs: { input_ids: { dims: number[] } }) => {
        calls.push(inputs.input_ids.dims[1]!);
        return bundle.model(inputs as never);
      }) as unknown as KokoroBundle['model'],
    };
    const result = await synthesize(counting, text, { style: null, voice: voice('af_bella'), speed: 1 });
    expect(result.chunks).toBe(calls.length);
    expect(result.chunks).toBeGreaterThan(1);
    expect(calls.every((tokensWithPads) => tokensWithPads - 2 <= KOKORO_MAX_PHONEMES)).toBe(true);
    expect(calls.reduce((sum, n) => sum + n - 2, 0)).toBe(result.phonemes);
    expect(result.audio.length).toBe(calls.reduce((sum, n) => sum + samplesFor(n, 1), 0));
  });

  it.each([['🙂🙏✨'], ['**__##``>>'], ['']])('gives empty audio for %j', async (text) => {
    const result = await synthesize(bundle, text, { style: null, voice: voice('af_heart'), speed: 1 });
    expect(result.audio.length).toBe(0);
    expect(result.chunks).toBe(0);
    expect(result.phonemes).toBe(0);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(synthesize(bundle, SENTENCE, { style: null, voice: voice('af_heart'), speed: 1, signal: controller.signal })).rejects.toThrow();
  });
});

describe('voice tables', () => {
  it('loads a [510, 1, 256] float32 table and picks row phonemes - 1', () => {
    const bytes = new Uint8Array(510 * 256 * 4);
    new Float32Array(bytes.buffer).forEach((_, i, all) => (all[i] = Math.floor(i / 256)));
    const table = loadVoiceTable(bytes);
    expect(table.length).toBe(510 * 256);
    expect(voiceRow(table, 1)[0]).toBe(0);
    expect(voiceRow(table, 10)[255]).toBe(9);
    expect(voiceRow(table, 600)[0]).toBe(509);
  });

  it('rejects a file of the wrong size with a clear error', async () => {
    expect(() => loadVoiceTable(new Uint8Array(510 * 256 * 4 - 4))).toThrow(/510 x 256 float32 = 522240 bytes, got 522236/);
    await expect(synthesize(bundle, 'hi', { style: null, voice: new Float32Array(256), speed: 1 })).rejects.toThrow(/voice table has 256 floats/);
  });
});
