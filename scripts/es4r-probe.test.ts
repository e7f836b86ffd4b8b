// es4r-probe end to end: a random release-named checkpoint + config.json, random log-mels / encoder states / text
// embeddings as .npy files; the CLI's front.npy, adapter.npy and fused.npy must match the TypeScript references.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy, readNpy } from '../src/audio/wav/npy';
import { randomCheckpoint } from './es4r/checkpoint/randomCheckpoint';
import type { Es4rDims } from './es4r/checkpoint/releaseNames';
import { stage1Reference } from '../test/references/es4r/stage1/dualLevel.reference';
import { randomArray } from './es4r/graphs/stage1/randomWeights';
import { cformerReference } from '../test/references/es4r/stage2/cformer.reference';
import { crossAttentionReference } from '../test/references/es4r/stage2/crossAttention.reference';
import { matrix } from '../test/references/es4r/stage2/math.reference';
import { randomActivations } from './es4r/graphs/stage2/weights';

const TOLERANCE = 1e-4;
const DIMS: Es4rDims = { dModel: 32, ffnDim: 48, cformerHeads: 8, preLayers: 1, postLayers: 1, llmHidden: 24, llmHeads: 4 };
const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const PROBE = join(ROOT, 'scripts/es4r-probe.ts');
const checkpoint = randomCheckpoint(41, DIMS);
const MEL_FRAMES = [45, 70];
const mels = MEL_FRAMES.map((frames, i) => ({ mel: randomArray(600 + i, 80 * frames, 2), frames }));
/** A Whisper encoder output as the release gives it: all 1500 rows, of which the probe keeps the first few. */
const STATE_ROWS = 1500;
const states = randomActivations(91, STATE_ROWS, DIMS.dModel, 2);
const HISTORY = 9;
const embeds = randomActivations(92, HISTORY, DIMS.llmHidden, 1);

let dir: string;
let base: string[];

function probe(args: string[]) {
  return spawnSync(TSX, [PROBE, ...args], { cwd: ROOT, encoding: 'utf8' });
}

async function npy(path: string) {
  return readNpy(new Uint8Array(await readFile(path)));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'es4r-probe-'));
  await writeFile(join(dir, 'ckpt.safetensors'), checkpoint.safetensors);
  await writeFile(join(dir, 'config.json'), JSON.stringify(checkpoint.config));
  for (const [i, m] of mels.entries()) await writeFile(join(dir, `turn${i + 1}.npy`), encodeNpy(m.mel, [80, m.frames]));
  await writeFile(join(dir, 'h.npy'), encodeNpy(states, [STATE_ROWS, DIMS.dModel]));
  await writeFile(join(dir, 'e.npy'), encodeNpy(embeds, [HISTORY, DIMS.llmHidden]));
  base = ['--weights', join(dir, 'ckpt.safetensors'), '--config', join(dir, 'config.json')];
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('es4r-probe', () => {
  it(`writes front/adapter/fused .npy matching the TypeScript references (max abs <= ${TOLERANCE})`, async () => {
    const out = join(dir, 'out');
    const r = probe([...base, '--mel', join(dir, 'turn1.npy'), join(dir, 'turn2.npy'), '--out', out, '--encoder-states', join(dir, 'h.npy'), '--text-embeds', join(dir, 'e.npy')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^es4r-probe: wrote front\.npy, adapter\.npy, fused\.npy to .* \(2 turn\(s\), front \[80, \d+\]; adapter N=\d+ from \d+ Whisper rows\)\n$/);
    const w = checkpoint.weights;

    const ref1 = stage1Reference(mels, w.subsampler, w.affect);
    const front = await npy(join(out, 'front.npy'));
    expect(front.shape).toEqual([80, ref1.length]);
    const refFront = new Float32Array(80 * ref1.length);
    for (let c = 0; c < 80; c++) refFront.set(ref1.pseudoMel.subarray(c * 3000, c * 3000 + ref1.length), c * ref1.length);
    const d1 = maxAbsDiff(front.data, refFront);

    const kept = ref1.whisperFrames;
    // The release's cut: the mask's real (unpadded) frames n, keep (n - 1) // 2 + 1 encoder rows.
    const realFrames = ref1.dual.mask.filter((padding) => !padding).length;
    expect(realFrames).toBeLessThan(ref1.length);
    expect(kept).toBe(Math.floor((realFrames - 1) / 2) + 1);
    const ref2 = cformerReference(matrix(kept, DIMS.dModel, states.slice(0, kept * DIMS.dModel)), w.cformer);
    const adapter = await npy(join(out, 'adapter.npy'));
    expect(adapter.shape).toEqual([ref2.tokenCount, DIMS.llmHidden]);
    const d2 = maxAbsDiff(adapter.data, ref2.speech.data);

    const ref3 = crossAttentionReference(ref2.speech, matrix(HISTORY, DIMS.llmHidden, embeds), w.crossAttention);
    const fused = await npy(join(out, 'fused.npy'));
    expect(fused.shape).toEqual([ref2.tokenCount, DIMS.llmHidden]);
    const d3 = maxAbsDiff(fused.data, ref3.data);
    console.log(`es4r-probe: front [80, ${ref1.length}] ${d1.toExponential(2)}, adapter (N=${ref2.tokenCount}) ${d2.toExponential(2)}, fused ${d3.toExponential(2)}`);
    expect(Math.max(d1, d2, d3)).toBeLessThanOrEqual(TOLERANCE);
  }, 60_000);

  it('writes only front.npy without --encoder-states; takes [frames, d] or [1, frames, d] states', async () => {
    const out = join(dir, 'front-only');
    const r = probe([...base, '--mel', join(dir, 'turn1.npy'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const w = checkpoint.weights;
    const ref1 = stage1Reference(mels.slice(0, 1), w.subsampler, w.affect);
    const front = await npy(join(out, 'front.npy'));
    expect(front.shape).toEqual([80, ref1.length]);
    await expect(readFile(join(out, 'adapter.npy'))).rejects.toThrow(/ENOENT/);

    // Exactly the kept rows, with a leading batch dimension.
    const kept = ref1.whisperFrames;
    const exact = states.slice(0, kept * DIMS.dModel);
    await writeFile(join(dir, 'h-exact.npy'), encodeNpy(exact, [1, kept, DIMS.dModel]));
    const r2 = probe([...base, '--mel', join(dir, 'turn1.npy'), '--out', out, '--encoder-states', join(dir, 'h-exact.npy')]);
    expect(r2.status, r2.stderr).toBe(0);
    const ref2 = cformerReference(matrix(kept, DIMS.dModel, exact), w.cformer);
    expect(maxAbsDiff((await npy(join(out, 'adapter.npy'))).data, ref2.speech.data)).toBeLessThanOrEqual(TOLERANCE);
  }, 60_000);

  it('bad input: one line on stderr, exit code 2', async () => {
    await writeFile(join(dir, 'wrong-bins.npy'), encodeNpy(new Float32Array(40 * 10), [40, 10]));
    await writeFile(join(dir, 'short-states.npy'), encodeNpy(new Float32Array(2 * DIMS.dModel), [2, DIMS.dModel]));
    await writeFile(join(dir, 'wrong-width.npy'), encodeNpy(new Float32Array(5 * 7), [5, 7]));
    await writeFile(join(dir, 'not.npy'), 'hello');
    const mel = ['--mel', join(dir, 'turn1.npy')];
    const out = ['--out', join(dir, 'bad-out')];
    const cases: [string[], RegExp][] = [
      [[...base, ...out], /missing --mel \(see --help\)/],
      [[...base, '--mel', join(dir, 'nope.npy'), ...out], /cannot read log-mel .*nope\.npy \(ENOENT\)/],
      [[...base, '--mel', join(dir, 'not.npy'), ...out], /not\.npy: npy: not an NPY file/],
      [[...base, '--mel', join(dir, 'wrong-bins.npy'), ...out], /log-mel must be \[80, T\], got shape \[40, 10\]/],
      [[...base, ...mel, ...out, '--encoder-states', join(dir, 'short-states.npy')], /short-states\.npy: encoder states must have at least 3 rows \(\(real - 1\) \/\/ 2 \+ 1 over the turns' 6 real frames\), got shape \[2, 32\]/],
      [[...base, ...mel, ...out, '--encoder-states', join(dir, 'wrong-width.npy')], /encoder states must have Whisper d_model 32 columns/],
      [[...base, ...mel, ...out, '--encoder-states', join(dir, 'h.npy'), '--text-embeds', join(dir, 'wrong-width.npy')], /text embeddings must have LLM hidden size 24 columns/],
      [[...base, ...mel, ...out, '--text-embeds', join(dir, 'e.npy')], /--text-embeds needs --encoder-states/],
      [['--weights', join(dir, 'turn1.npy'), '--config', join(dir, 'config.json'), ...mel, ...out], /turn1\.npy: .*safetensors/i],
    ];
    for (const [args, pattern] of cases) {
      const r = probe(args);
      expect(r.status, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^es4r-probe: /);
      expect(lines[0]).toMatch(pattern);
    }
  }, 120_000);
});
