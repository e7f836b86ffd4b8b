// npm run -s es4r:probe -- --weights <es4r.safetensors> --config <config.json> --mel <turn1.npy> [<turn2.npy> ...] --out <dir>
//                          [--encoder-states <h.npy>] [--text-embeds <e.npy>]
//
// Conversion check for an imported ES4R checkpoint: runs the same ONNX graphs as the page (built from the release
// checkpoint with the shared builders) in onnxruntime-web's wasm EP, on inputs prepared elsewhere (e.g. by the
// PyTorch release), and writes the outputs as float32 .npy files to compare:
//   front.npy    [80, L]     Stage 1: subsampler per turn, dual-level affect attention; the pseudo-mel before its
//                            zero right-padding to 3000 frames (L = turns * longest turn, the release's padding kept).
//                            Each --mel is one turn's Whisper-normalised log-mel, float32 [80, T].
//   adapter.npy  [N, H]      with --encoder-states (Whisper encoder output [1500, d] or [frames, d]): CFormer on its
//                            first (n - 1) // 2 + 1 rows, n = the turns' real (unpadded) frames as the release
//                            counts them, H = the LLM hidden size.
//   fused.npy    [N, H]      with --text-embeds (text-history token embeddings [S, H]; needs --encoder-states):
//                            cross-attention of the adapter output over them.
// Bad input: one line on stderr, exit code 2.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { GraphSession } from '../src/models/runtime/graphSession';
import { encodeNpy, readNpy } from '../src/audio/wav/npy';
import type { Es4rDims, Es4rWeights } from './es4r/checkpoint/releaseNames';
import { AFFECT_INPUTS, AFFECT_OUTPUTS, buildAffectAttentionGraph } from './es4r/graphs/stage1/affectAttentionGraph';
import { padTurns, whisperOutputFrames, type TurnFeatures } from '../src/models/es4r/stage1/padTurns';
import { MEL_BINS, WHISPER_MEL_FRAMES } from '../src/models/es4r/stage1/stage1Types';
import { subsampledLength } from '../src/models/es4r/stage1/subsampledLength';
import { buildSubsamplerGraph, SUBSAMPLER_INPUT, SUBSAMPLER_OUTPUT } from './es4r/graphs/stage1/subsamplerGraph';
import { buildCformerModel, buildCrossAttentionModel } from './es4r/graphs/stage2/stage2Graphs';
import { CliError } from './cli/cliError';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { oneLine, readInput, readReleaseDims, readReleaseWeights } from './es4r/releaseInput';
import { errorMessage } from '../src/errorMessage';

const TOOL = 'es4r-probe';
const USAGE =
  'npm run -s es4r:probe -- --weights <es4r.safetensors> --config <config.json> --mel <turn1.npy> [<turn2.npy> ...] --out <dir> [--encoder-states <h.npy>] [--text-embeds <e.npy>]';

/** Names of the adapter and cross-attention graphs' inputs and outputs (stage2Graphs.ts). */
const ADAPTER_INPUT = 'encoder_hidden';
const ADAPTER_OUTPUT = 'speech_embeds';
const CROSS_INPUTS = { speech: 'speech', history: 'history' } as const;
const CROSS_OUTPUT = 'fused';

export const PROBE_FILES = { front: 'front.npy', adapter: 'adapter.npy', fused: 'fused.npy' } as const;

export interface ProbeResult {
  outDir: string;
  /** File names written into outDir. */
  files: string[];
  dims: Es4rDims;
  turns: number;
  /** Front length L (frames of front.npy) and the Whisper encoder rows the adapter used. */
  frontFrames: number;
  whisperFrames: number;
  /** Adapter tokens N, when --encoder-states was given. */
  tokens: number | null;
}

/** `--mel a.npy b.npy` -> `--mel a.npy --mel b.npy`: the values up to the next option all belong to --mel. */
function expandMelList(argv: string[]): string[] {
  const out: string[] = [];
  let inMel = false;
  for (const arg of argv) {
    if (arg === '--') {
      inMel = false;
      continue;
    }
    if (arg.startsWith('-')) {
      inMel = arg === '--mel';
      if (!inMel) out.push(arg);
      continue;
    }
    if (inMel) out.push('--mel', arg);
    else out.push(arg);
  }
  return out;
}

/** A float32 .npy as a matrix [rows, cols]; a leading batch dimension of 1 is accepted. */
async function readMatrix(path: string, what: string, check: (rows: number, cols: number) => string | null): Promise<{ data: Float32Array; rows: number; cols: number }> {
  const bytes = await readInput(path, what);
  let npy;
  try {
    npy = readNpy(bytes);
  } catch (error) {
    throw new CliError(`${path}: ${oneLine(errorMessage(error))}`);
  }
  const shape = npy.shape.length === 3 && npy.shape[0] === 1 ? npy.shape.slice(1) : npy.shape;
  if (shape.length !== 2) throw new CliError(`${path}: ${what} must be 2-D, got shape [${npy.shape.join(', ')}]`);
  const [rows, cols] = shape as [number, number];
  const problem = check(rows, cols);
  if (problem) throw new CliError(`${path}: ${what} ${problem}, got shape [${npy.shape.join(', ')}]`);
  const bad = npy.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new CliError(`${path}: ${what} holds a non-finite value (${npy.data[bad]}) at index ${bad}`);
  return { data: npy.data, rows, cols };
}

/** Runs each graph in its own session (the runtime's GraphSession, as the page does), released afterwards. */
async function runGraph<K extends string>(label: string, model: Uint8Array, feeds: Record<string, ort.Tensor>[], outputs: readonly K[]) {
  const graph = await GraphSession.create(label, model, Object.keys(feeds[0] ?? {}), outputs);
  try {
    const results = [];
    for (const feed of feeds) results.push(await graph.run(feed, outputs));
    return results;
  } finally {
    await graph.release();
  }
}

export async function probeEs4r(argv: string[]): Promise<ProbeResult> {
  const { values } = parseCliArgs(
    {
      usage: USAGE,
      positionals: [],
      options: {
        weights: { type: 'string' },
        config: { type: 'string' },
        mel: { type: 'string', multiple: true },
        out: { type: 'string' },
        'encoder-states': { type: 'string' },
        'text-embeds': { type: 'string' },
      },
    },
    expandMelList(argv),
  );
  const missing = (['weights', 'config', 'mel', 'out'] as const).filter((k) => values[k] === undefined || values[k].length === 0);
  if (missing.length > 0) throw new CliError(`missing ${missing.map((k) => `--${k}`).join(', ')} (see --help)`);
  const weightsPath = values.weights!;
  const melPaths = values.mel!;
  const outDir = resolve(values.out!);
  const statesPath = values['encoder-states'];
  const embedsPath = values['text-embeds'];
  if (embedsPath !== undefined && statesPath === undefined) throw new CliError('--text-embeds needs --encoder-states (the fused vectors are the adapter output attending over the text)');

  const dims = await readReleaseDims(values.config!);
  // Every input is read and checked before anything runs.
  const mels = [];
  for (const path of melPaths) {
    mels.push(await readMatrix(path, 'log-mel', (rows, cols) => (rows !== MEL_BINS ? `must be [${MEL_BINS}, T]` : cols < 1 ? 'has no frames' : null)));
  }
  const subFrames = mels.map((m) => subsampledLength(m.cols));
  const frontFrames = mels.length * Math.max(...subFrames);
  if (frontFrames > WHISPER_MEL_FRAMES) {
    throw new CliError(`the ${mels.length} turns make a front of ${frontFrames} frames (turns x longest turn after subsampling), more than Whisper's ${WHISPER_MEL_FRAMES}`);
  }
  const whisperFrames = whisperOutputFrames(subFrames.reduce((sum, frames) => sum + frames, 0));
  const states = statesPath
    ? await readMatrix(statesPath, 'encoder states', (rows, cols) =>
        cols !== dims.dModel ? `must have Whisper d_model ${dims.dModel} columns` : rows < whisperFrames ? `must have at least ${whisperFrames} rows ((real - 1) // 2 + 1 over the turns' ${subFrames.join(' + ')} real frames)` : null,
      )
    : null;
  const embeds = embedsPath
    ? await readMatrix(embedsPath, 'text embeddings', (rows, cols) => (cols !== dims.llmHidden ? `must have LLM hidden size ${dims.llmHidden} columns` : rows < 1 ? 'has no rows' : null))
    : null;
  const weights: Es4rWeights = await readReleaseWeights(weightsPath, dims);

  ort.env.wasm.numThreads = 1;
  const written: [string, Uint8Array][] = [];

  // Stage 1: the subsampler per turn (batch 1), then the dual-level affect attention over the padded turns.
  const subResults = await runGraph(
    'subsampler',
    buildSubsamplerGraph(weights.subsampler),
    mels.map((m) => ({ [SUBSAMPLER_INPUT]: new ort.Tensor('float32', m.data, [1, MEL_BINS, m.cols]) })),
    [SUBSAMPLER_OUTPUT],
  );
  const turns: TurnFeatures[] = subResults.map((r) => {
    const features = r[SUBSAMPLER_OUTPUT];
    return { features: features.data as Float32Array, frames: features.dims[1]! };
  });
  const padded = padTurns(turns);
  const [affect] = await runGraph('affect attention', buildAffectAttentionGraph(weights.affect), [
    {
      [AFFECT_INPUTS.features]: new ort.Tensor('float32', padded.data, [padded.turns, padded.maxFrames, MEL_BINS]),
      [AFFECT_INPUTS.mask]: new ort.Tensor('bool', Uint8Array.from(padded.mask, (m) => (m ? 1 : 0)), [padded.turns, padded.maxFrames]),
    },
  ], [AFFECT_OUTPUTS.pseudoMel, AFFECT_OUTPUTS.whisperFrames]);
  const pseudoMel = affect![AFFECT_OUTPUTS.pseudoMel].data as Float32Array; // [1, 80, 3000]
  const length = padded.turns * padded.maxFrames;
  const graphWhisperFrames = Number((affect![AFFECT_OUTPUTS.whisperFrames].data as BigInt64Array)[0]);
  if (length !== frontFrames || graphWhisperFrames !== whisperFrames) {
    throw new Error(`front length mismatch: expected ${frontFrames} frames / ${whisperFrames} Whisper rows, the graphs gave ${length} / ${graphWhisperFrames}`);
  }
  const front = new Float32Array(MEL_BINS * length);
  for (let c = 0; c < MEL_BINS; c++) front.set(pseudoMel.subarray(c * WHISPER_MEL_FRAMES, c * WHISPER_MEL_FRAMES + length), c * length);
  written.push([PROBE_FILES.front, encodeNpy(front, [MEL_BINS, length])]);

  // Stage 2: the CFormer adapter on the kept Whisper rows, then cross-attention over the text history.
  let tokens: number | null = null;
  if (states) {
    const kept = states.data.subarray(0, whisperFrames * dims.dModel);
    const [adapter] = await runGraph('adapter', buildCformerModel(weights.cformer), [{ [ADAPTER_INPUT]: new ort.Tensor('float32', kept, [1, whisperFrames, dims.dModel]) }], [ADAPTER_OUTPUT]);
    const speech = adapter![ADAPTER_OUTPUT];
    tokens = speech.dims[1]!;
    const speechData = speech.data as Float32Array;
    written.push([PROBE_FILES.adapter, encodeNpy(speechData, [tokens, dims.llmHidden])]);
    if (embeds) {
      const [cross] = await runGraph('cross-attention', buildCrossAttentionModel(weights.crossAttention), [
        {
          [CROSS_INPUTS.speech]: new ort.Tensor('float32', speechData, [1, tokens, dims.llmHidden]),
          [CROSS_INPUTS.history]: new ort.Tensor('float32', embeds.data, [1, embeds.rows, dims.llmHidden]),
        },
      ], [CROSS_OUTPUT]);
      written.push([PROBE_FILES.fused, encodeNpy(cross![CROSS_OUTPUT].data as Float32Array, [tokens, dims.llmHidden])]);
    }
  }

  try {
    await mkdir(outDir, { recursive: true });
    for (const [name, bytes] of written) await writeFile(join(outDir, name), bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot write to ${outDir}${code ? ` (${code})` : ''}`);
  }
  return { outDir, files: written.map(([name]) => name), dims, turns: mels.length, frontFrames, whisperFrames, tokens };
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  await runCli(TOOL, async () => {
    const r = await probeEs4r(process.argv.slice(2));
    const stage2 = r.tokens === null ? '' : `; adapter N=${r.tokens} from ${r.whisperFrames} Whisper rows`;
    process.stdout.write(`${TOOL}: wrote ${r.files.join(', ')} to ${r.outDir} (${r.turns} turn(s), front [${MEL_BINS}, ${r.frontFrames}]${stage2})\n`);
  });
}
