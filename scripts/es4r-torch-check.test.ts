// es4r:probe against an independent PyTorch reference built from torch's own modules
// (scripts/es4r-torch-check/check_probe.py): a random release-named checkpoint, dialogues whose turns differ in
// length (so the release's padding and its real-frame Whisper cut both matter), random encoder states and
// text embeddings; and the torch-only parts of the checkpoint exporter. Runs in CI with Debian's python3-torch and python3-numpy.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../src/audio/wav/npy';
import { randomCheckpoint } from './es4r/checkpoint/randomCheckpoint';
import type { Es4rDims } from './es4r/checkpoint/releaseNames';
import { randomArray } from './es4r/graphs/stage1/randomWeights';
import { randomActivations } from './es4r/graphs/stage2/weights';
import { pythonWith, requirePython, skipWithoutPython } from '../test/support/python';

const RELATIVE_TOLERANCE = 1e-4;
const DIMS: Es4rDims = { dModel: 32, ffnDim: 48, cformerHeads: 8, preLayers: 2, postLayers: 1, llmHidden: 24, llmHeads: 4 };
const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CHECK = join(ROOT, 'scripts/es4r-torch-check/check_probe.py');
/** Log-mel frames per turn and the front the release makes of them (subsampling: kernel 5, stride 2, padding 2, three times). */
const DIALOGUES = [
  // 22, 12 and 30 subsampled frames: a 90-frame sequence, 64 real, (64 - 1) // 2 + 1 = 32 Whisper rows (45 if padding counted).
  { melFrames: [176, 96, 240], front: { sequenceFrames: 90, realFrames: 64, whisperRows: 32 } },
  // The longest turn first, an odd real count: 30 and 9 frames, a 60-frame sequence, 39 real, 20 rows (30 if padding counted).
  { melFrames: [240, 72], front: { sequenceFrames: 60, realFrames: 39, whisperRows: 20 } },
];
const python = pythonWith(['torch', 'numpy']);

interface CheckReport {
  realFrames: number;
  sequenceFrames: number;
  whisperRows: number;
  tokens: number;
  ok: boolean;
  front: { maxRelativeError: number };
  adapter: { maxRelativeError: number };
  fused: { maxRelativeError: number };
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'es4r-torch-'));
  const checkpoint = randomCheckpoint(57, DIMS);
  await writeFile(join(dir, 'ckpt.safetensors'), checkpoint.safetensors);
  await writeFile(join(dir, 'config.json'), JSON.stringify(checkpoint.config));
  for (const [d, dialogue] of DIALOGUES.entries()) {
    for (const [i, frames] of dialogue.melFrames.entries()) {
      await writeFile(join(dir, `d${d}-turn${i}.npy`), encodeNpy(randomArray(700 + 10 * d + i, 80 * frames, 2), [80, frames]));
    }
  }
  await writeFile(join(dir, 'h.npy'), encodeNpy(randomActivations(93, 1500, DIMS.dModel, 2), [1500, DIMS.dModel]));
  await writeFile(join(dir, 'e.npy'), encodeNpy(randomActivations(94, 11, DIMS.llmHidden, 1), [11, DIMS.llmHidden]));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('es4r:probe against PyTorch', () => {
  for (const [d, dialogue] of DIALOGUES.entries()) {
    const turns = dialogue.melFrames.join(' + ');
    it.skipIf(skipWithoutPython(python))(`turns of ${turns} log-mel frames: front, adapter and fused outputs agree within ${RELATIVE_TOLERANCE} relative`, () => {
      const interpreter = requirePython(python, 'python3-torch python3-numpy');
      const mels = dialogue.melFrames.map((_, i) => join(dir, `d${d}-turn${i}.npy`));
      const inputs = ['--weights', join(dir, 'ckpt.safetensors'), '--config', join(dir, 'config.json'), '--mel', ...mels];
      const states = ['--encoder-states', join(dir, 'h.npy'), '--text-embeds', join(dir, 'e.npy')];
      const out = join(dir, `out${d}`);
      const probe = spawnSync(TSX, [join(ROOT, 'scripts/es4r-probe.ts'), ...inputs, ...states, '--out', out], { cwd: ROOT, encoding: 'utf8' });
      expect(probe.stderr).toBe('');
      expect(probe.status).toBe(0);

      const check = spawnSync(interpreter, [CHECK, ...inputs, ...states, '--probe-out', out, '--rtol', String(RELATIVE_TOLERANCE)], { encoding: 'utf8' });
      expect(check.stderr).toBe('');
      const report = JSON.parse(check.stdout) as CheckReport;
      console.log(`es4r:probe vs PyTorch, turns of ${turns} frames: ${check.stdout.trim()}`);
      expect(report).toMatchObject(dialogue.front);
      expect(report.tokens).toBeGreaterThanOrEqual(1);
      expect(report.front.maxRelativeError).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      expect(report.adapter.maxRelativeError).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      expect(report.fused.maxRelativeError).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      expect(check.status).toBe(0);
    });
  }

  it.skipIf(skipWithoutPython(python))("export_es4r.py: checkpoint reading, release names, LoRA merge and the Qwen2 split hold on a random checkpoint in the release's LoRA layout and in peft's", () => {
    const interpreter = requirePython(python, 'python3-torch python3-numpy');
    const check = spawnSync(interpreter, [join(ROOT, 'scripts/es4r-torch-check/check_export_parts.py'), join(dir, 'ckpt.safetensors'), join(dir, 'config.json')], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    const report = JSON.parse(check.stdout) as Record<string, Record<string, unknown>>;
    console.log(`export_es4r.py parts: ${check.stdout.trim()}`);
    for (const layout of ['release_plora', 'peft']) {
      expect(report[layout]).toMatchObject({ es4r_names: true, es4r_values: true, llm_names: true, lora_merged_pairs: true, lora_leftovers: [], qwen2_split: true });
      expect(report[layout]!.lora_merge_max_rel).toBeLessThanOrEqual(1e-6);
    }
    expect(check.status).toBe(0);
  });
});
