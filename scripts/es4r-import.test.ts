// es4r-import end to end: a random release-named checkpoint + config.json in a temp dir, imported into a temp
// models dir; the written graphs run in onnxruntime-web (wasm) and must reproduce the stage references.
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomCheckpoint } from './es4r/checkpoint/randomCheckpoint';
import type { Es4rDims } from './es4r/checkpoint/releaseNames';
import { writeSafetensors } from './es4r/checkpoint/safetensors';
import { stage1Reference } from '../test/references/es4r/stage1/dualLevel.reference';
import { padTurns } from '../src/models/es4r/stage1/padTurns';
import { randomArray } from './es4r/graphs/stage1/randomWeights';
import { subsampleReference } from '../test/references/es4r/stage1/subsampler.reference';
import { cformerReference } from '../test/references/es4r/stage2/cformer.reference';
import { crossAttentionReference } from '../test/references/es4r/stage2/crossAttention.reference';
import { matrix } from '../test/references/es4r/stage2/math.reference';
import { randomActivations } from './es4r/graphs/stage2/weights';
import { CliError } from './cli/cliError';
import { importEs4r, type Es4rImportResult } from './es4r-import';
import { ES4R_FILES } from './es4r/writeEs4rModel';
import { TINY_ES4R_DIMS, writeTinyEs4r } from './tinyPack/es4r';

ort.env.wasm.numThreads = 1;

const TOLERANCE = 1e-4;
const DIMS: Es4rDims = { dModel: 32, ffnDim: 48, cformerHeads: 8, preLayers: 2, postLayers: 1, llmHidden: 24, llmHeads: 4 };
const ROOT = join(import.meta.dirname, '..');

let dir: string;
let modelsDir: string;
let args: string[];
let result: Es4rImportResult;
const checkpoint = randomCheckpoint(31, DIMS);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function session(path: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(new Uint8Array(await readFile(path)), { executionProviders: ['wasm'] });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'es4r-import-'));
  modelsDir = join(dir, 'models');
  const manifest = {
    packs: {
      p: { components: { asr: { modelId: 'p/whisper' }, llm: { modelId: 'p/llm' } } },
      q: { components: { asr: { modelId: 'p/whisper' }, llm: { modelId: 'q/llm' }, speech_llm: { modelId: 'q/llm-embeds' } } },
    },
  };
  await mkdir(join(modelsDir, 'p', 'whisper'), { recursive: true });
  await writeFile(join(modelsDir, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(join(modelsDir, 'p', 'whisper', 'config.json'), JSON.stringify({ d_model: DIMS.dModel }));
  await writeFile(join(dir, 'ckpt.safetensors'), checkpoint.safetensors);
  await writeFile(join(dir, 'config.json'), JSON.stringify(checkpoint.config));
  args = [join(dir, 'ckpt.safetensors'), join(dir, 'config.json')];
  result = await importEs4r([...args, 'p', '--models-dir', modelsDir]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('es4r-import', () => {
  it('writes the graphs and es4r.json into <models-dir>/<pack>/es4r', async () => {
    expect(result.modelId).toBe('p/es4r');
    expect(result.files.sort()).toEqual(Object.values(ES4R_FILES).sort());
    const json = JSON.parse(await readFile(join(modelsDir, 'p', 'es4r', 'es4r.json'), 'utf8'));
    expect(json.pairs).toEqual({ whisper: 'p/whisper', llm: 'p/llm' });
    expect(json.dims).toMatchObject({ whisperDModel: 32, preCifLayers: 2, postCifLayers: 1, llmHidden: 24, llmHeads: 4, cformerHeads: 8 });
    expect(json.source).toEqual({ checkpoint: 'ckpt.safetensors', config: 'config.json' });
  });

  it("pairs with the pack's speech LLM (embeddings in) over its text LLM", async () => {
    const r = await importEs4r([...args, 'q', '--models-dir', modelsDir]);
    expect(r.modelId).toBe('q/es4r');
    expect(r.pairs).toEqual({ whisper: 'p/whisper', llm: 'q/llm-embeds' });
  });

  it(`the written graphs reproduce the stage references (max abs <= ${TOLERANCE})`, async () => {
    const w = checkpoint.weights;
    const modelDir = join(modelsDir, 'p', 'es4r');
    // Stage 1: subsampler per turn (ONNX), then affect attention (ONNX) -> pseudo-mel vs stage1Reference.
    const mels = [45, 70].map((frames, i) => ({ mel: randomArray(500 + i, 80 * frames, 2), frames }));
    const sub = await session(join(modelDir, ES4R_FILES.subsampler));
    const turns = [];
    for (const { mel, frames } of mels) {
      const out = (await sub.run({ mel: new ort.Tensor('float32', mel, [1, 80, frames]) })).features!;
      const ref = subsampleReference(mel, frames, w.subsampler);
      expect(maxAbsDiff(out.data as Float32Array, ref.features)).toBeLessThanOrEqual(TOLERANCE);
      turns.push({ features: out.data as Float32Array, frames: out.dims[1]! });
    }
    const padded = padTurns(turns);
    const affect = await session(join(modelDir, ES4R_FILES.affectAttention));
    const aff = await affect.run({
      turn_features: new ort.Tensor('float32', padded.data, [padded.turns, padded.maxFrames, 80]),
      key_padding_mask: new ort.Tensor('bool', Uint8Array.from(padded.mask, (m) => (m ? 1 : 0)), [padded.turns, padded.maxFrames]),
    });
    const ref1 = stage1Reference(mels, w.subsampler, w.affect);
    const d1 = maxAbsDiff(aff.pseudo_mel!.data as Float32Array, ref1.pseudoMel);
    expect(Number((aff.whisper_frames!.data as BigInt64Array)[0])).toBe(ref1.whisperFrames);

    // Stage 2: CFormer adapter on a random "Whisper output", then cross-attention with a random text history.
    const frames = 20;
    const x = matrix(frames, DIMS.dModel, randomActivations(77, frames, DIMS.dModel, 2));
    const adapter = await session(join(modelDir, ES4R_FILES.adapter));
    const ad = await adapter.run({ encoder_hidden: new ort.Tensor('float32', x.data, [1, frames, DIMS.dModel]) });
    const ref2 = cformerReference(x, w.cformer);
    expect(Number(ad.token_count!.data[0])).toBe(ref2.tokenCount);
    const d2 = maxAbsDiff(ad.speech_embeds!.data as Float32Array, ref2.speech.data);

    const history = matrix(9, DIMS.llmHidden, randomActivations(78, 9, DIMS.llmHidden, 1));
    const cross = await session(join(modelDir, ES4R_FILES.crossAttention));
    const cr = await cross.run({
      speech: new ort.Tensor('float32', ref2.speech.data, [1, ref2.speech.rows, DIMS.llmHidden]),
      history: new ort.Tensor('float32', history.data, [1, 9, DIMS.llmHidden]),
    });
    const d3 = maxAbsDiff(cr.fused!.data as Float32Array, crossAttentionReference(ref2.speech, history, w.crossAttention).data);
    console.log(`es4r-import: pseudo-mel ${d1.toExponential(2)}, adapter (N=${ref2.tokenCount}) ${d2.toExponential(2)}, cross-attention ${d3.toExponential(2)}`);
    expect(Math.max(d1, d2, d3)).toBeLessThanOrEqual(TOLERANCE);
    await Promise.all([sub, affect, adapter, cross].map((s) => s.release()));
  });

  it('rejects bad input with one-line CliErrors (exit code 2)', async () => {
    const expectCliError = async (argv: string[], pattern: RegExp) => {
      const error = await importEs4r(argv).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toMatch(pattern);
      expect((error as CliError).message).not.toMatch(/\n/);
    };
    const md = ['--models-dir', modelsDir];
    await expectCliError([join(dir, 'nope.safetensors'), args[1]!, 'p', ...md], /cannot read checkpoint .*nope\.safetensors \(ENOENT\)/);
    await expectCliError([...args, 'zz', ...md], /unknown pack 'zz' \(manifest has: p, q\)/);
    await writeFile(join(dir, 'short.safetensors'), checkpoint.safetensors.subarray(0, 100));
    await expectCliError([join(dir, 'short.safetensors'), args[1]!, 'p', ...md], /short\.safetensors: truncated safetensors file/);
    const missing = checkpoint.tensors.filter((t) => t.name !== 'adapter.cif_proj.bias').map((t) => [t.name, t] as const);
    await writeFile(join(dir, 'missing.safetensors'), writeSafetensors(missing));
    await expectCliError([join(dir, 'missing.safetensors'), args[1]!, 'p', ...md], /missing tensor\(s\): adapter\.cif_proj\.bias \[32\]/);
    await writeFile(join(dir, 'bad-config.json'), JSON.stringify({ ...checkpoint.config, qwen_config: { hidden_size: 24 } }));
    await expectCliError([args[0]!, join(dir, 'bad-config.json'), 'p', ...md], /bad ES4R config\.json: qwen_config\.num_attention_heads/);
    await writeFile(join(dir, 'other-d.json'), JSON.stringify({ ...checkpoint.config, whisper_config: { d_model: 16, encoder_ffn_dim: 48 } }));
    await expectCliError([args[0]!, join(dir, 'other-d.json'), 'p', ...md], /Whisper d_model of p\/whisper is 32, but the ES4R checkpoint expects 16/);
  });

  it('the CLI prints one line and exits 2 on bad input', () => {
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    const r = spawnSync(tsx, [join(ROOT, 'scripts/es4r-import.ts'), join(dir, 'nope.safetensors'), args[1]!, 'p', '--models-dir', modelsDir], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^es4r-import: cannot read checkpoint/);
  }, 30_000);

  it('writeTinyEs4r writes the tiny component (Whisper d 64, LLM 32/2 heads) and its graphs load', async () => {
    const tinyDir = join(dir, 'tiny-es4r');
    const files = await writeTinyEs4r(tinyDir);
    expect(files.sort()).toEqual(Object.values(ES4R_FILES).sort());
    const json = JSON.parse(await readFile(join(tinyDir, 'es4r.json'), 'utf8'));
    expect(json.dims).toMatchObject({ whisperDModel: TINY_ES4R_DIMS.dModel, llmHidden: 32, llmHeads: 2, cformerHeads: 8 });
    expect(json.pairs).toEqual({ whisper: 'tiny/whisper', llm: 'tiny/llm-embeds' });
    const adapter = await session(join(tinyDir, ES4R_FILES.adapter));
    const out = await adapter.run({ encoder_hidden: new ort.Tensor('float32', randomActivations(1, 10, 64), [1, 10, 64]) });
    expect(out.speech_embeds!.dims[2]).toBe(32);
    await adapter.release();
    // Deterministic bytes.
    const again = join(dir, 'tiny-es4r-2');
    await writeTinyEs4r(again);
    for (const f of files) expect(Buffer.compare(await readFile(join(tinyDir, f)), await readFile(join(again, f)))).toBe(0);
  });
});
