// The speech encoder as the page and the CLI run it (the tiny pack's ES4R graphs and Whisper) against the plain
// TypeScript references of each block, fed the same Whisper encoder output (Whisper is transformers.js', not ours).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWindow } from '../../src/models/asr/transcriber';
import { whisperFamily, type WhisperBundle } from '../../src/models/asr/whisperFamily';
import { randomEs4rWeights } from '../../scripts/es4r/checkpoint/randomCheckpoint';
import { stage1Reference } from '../references/es4r/stage1/dualLevel.reference';
import { cformerReference } from '../references/es4r/stage2/cformer.reference';
import { matrix } from '../references/es4r/stage2/math.reference';
import { TINY_ES4R_DIMS, TINY_ES4R_SEED } from '../../scripts/tinyPack/es4r';
import { uniformArray, seededRandom } from '../../scripts/tinyPack/seededRandom';
import { rawMelWindow, type TurnLogMel } from '../../src/models/es4r/runtime/frontPlan';
import { loadSpeechEncoder } from '../../src/models/es4r/runtime/loadEs4r';
import type { SpeechEncoder, WhisperEncode } from '../../src/models/es4r/runtime/speechEncoder';

const MODELS_DIR = join(process.cwd(), 'public', 'models');
/** Max abs difference allowed between the graphs and the references (float32 sums in another order). */
const TOLERANCE = 1e-4;

let whisper: WhisperBundle;
let encoder: SpeechEncoder;
const weights = randomEs4rWeights(TINY_ES4R_SEED, TINY_ES4R_DIMS);

/** A turn's Whisper-normalised log-mel stand-in: values in [-1, 1], like the real range after (x + 4) / 4. */
function turn(frames: number, seed: number): TurnLogMel {
  return { data: uniformArray(seededRandom(seed), 80 * frames, 1), nMels: 80, frameCount: frames };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Records the windows Whisper is given, so the test can check what reached it. */
function recordingWhisper(windows: Float32Array[]): WhisperEncode {
  return async (window) => {
    windows.push(window.slice());
    return encodeWindow(whisper, window, 80);
  };
}

beforeAll(async () => {
  if (!existsSync(join(MODELS_DIR, 'tiny', 'es4r'))) throw new Error('public/models/tiny/es4r is missing: run `npm run make:tiny-pack` first.');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  whisper = await whisperFamily.load('tiny/whisper', 'cpu', 'fp32', () => {});
  encoder = await loadSpeechEncoder(async (path) => new Uint8Array(readFileSync(join(MODELS_DIR, 'tiny', 'es4r', path))));
});

afterAll(async () => {
  await encoder?.release();
  if (whisper) await whisperFamily.dispose(whisper);
});

describe('SpeechEncoder on the tiny pack', () => {
  it(`matches stage 1 -> Whisper -> cut -> CFormer computed by the references (max abs <= ${TOLERANCE})`, async () => {
    const turns = [turn(120, 1), turn(200, 2), turn(75, 3)];
    const windows: Float32Array[] = [];
    const vectors = await encoder.encode(turns, recordingWhisper(windows), { dualAttention: true });

    const ref1 = stage1Reference(turns.map((t) => ({ mel: t.data, frames: t.frameCount })), weights.subsampler, weights.affect);
    // 120, 200, 75 frames -> 15, 25, 10 after the subsampler (kernel 5, stride 2, padding 2, three times); padded to 25
    // -> L = 75, of which 50 are real: the release keeps (50 - 1) // 2 + 1 = 25 Whisper rows.
    expect(vectors.frontFrames).toBe(75);
    expect(vectors.whisperFrames).toBe(25);
    expect(maxAbsDiff(windows[0]!, ref1.pseudoMel)).toBeLessThanOrEqual(TOLERANCE);

    const hidden = await encodeWindow(whisper, ref1.pseudoMel, 80);
    const kept = matrix(25, hidden.dModel, hidden.data.slice(0, 25 * hidden.dModel));
    const ref2 = cformerReference(kept, weights.cformer);
    expect(vectors.tokens).toBe(ref2.tokenCount);
    expect(vectors.hidden).toBe(TINY_ES4R_DIMS.llmHidden);
    expect(maxAbsDiff(vectors.data, ref2.speech.data)).toBeLessThanOrEqual(TOLERANCE);
    expect(vectors.turnsUsed).toBe(3);
    expect(Object.keys(vectors.timingsMs)).toEqual(['speechFront', 'speechWhisper', 'speechAdapter']);
  });

  it('without dual-level attention hands Whisper the raw log-mels, cut at (frames - 1) // 2 + 1', async () => {
    const turns = [turn(40, 4), turn(61, 5)];
    const windows: Float32Array[] = [];
    const vectors = await encoder.encode(turns, recordingWhisper(windows), { dualAttention: false });
    expect(windows[0]).toEqual(rawMelWindow(turns).window);
    expect(vectors.frontFrames).toBe(101);
    expect(vectors.whisperFrames).toBe(51);
    const hidden = await encodeWindow(whisper, windows[0]!, 80);
    const ref = cformerReference(matrix(51, hidden.dModel, hidden.data.slice(0, 51 * hidden.dModel)), weights.cformer);
    expect(vectors.tokens).toBe(ref.tokenCount);
    expect(maxAbsDiff(vectors.data, ref.speech.data)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('keeps only the latest turns that fit Whisper\'s 3000 frames', async () => {
    // Raw front: 1000 + 1500 + 1400 > 3000, so the first turn is left out.
    const vectors = await encoder.encode([turn(1000, 6), turn(1500, 7), turn(1400, 8)], (w) => encodeWindow(whisper, w, 80), { dualAttention: false });
    expect(vectors.turnsUsed).toBe(2);
    expect(vectors.frontFrames).toBe(2900);
  });

  it('says what is wrong with bad input', async () => {
    const encode = (w: Float32Array) => encodeWindow(whisper, w, 80);
    await expect(encoder.encode([], encode, { dualAttention: true })).rejects.toThrow(/no user turns/);
    await expect(encoder.encode([{ data: new Float32Array(128 * 10), nMels: 128, frameCount: 10 }], encode, { dualAttention: true })).rejects.toThrow(/80 mel bins/);
    await expect(encoder.encode([turn(3001, 9)], encode, { dualAttention: false })).rejects.toThrow(/longer than the front's 3000-frame window/);
    const wrongWhisper: WhisperEncode = async () => ({ data: new Float32Array(1500 * 48), frames: 1500, dModel: 48 });
    await expect(encoder.encode([turn(50, 10)], wrongWhisper, { dualAttention: true })).rejects.toThrow(/d_model 64.*has 48/);
  });
});
