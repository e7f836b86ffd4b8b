// Kokoro-82M's cost per dtype and runtime at real size: the generated scale graph (fp32 and q8) on onnxruntime-web's
// wasm EP (the page's TTS runtime without WebGPU; one thread in Node, where threaded wasm does not start) and on
// onnxruntime-node's CPU EP, for chunks of typical phoneme counts. Prints the median time per chunk and the real-time factor.
// Usage: npx tsx scripts/scalePack/kokoro/benchScaleKokoro.ts [scale/Kokoro-82M-v1.0-ONNX] [--phonemes 40,120] [--runs 3]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { DEFAULT_MODELS_DIR } from '../../models/paths';

const SAMPLE_RATE_HZ = 24_000;
const STYLE_SIZE = 256;
/** Kokoro's pad id, at both ends of input_ids. */
const PAD_ID = 0;
/** Intra-op threads of the Node CPU EP: the page's wasm threads per model worker. */
const NODE_THREADS = 2;

const flag = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
};
const modelId = process.argv.slice(2).find((arg, i, all) => !arg.startsWith('--') && !all[i - 1]?.startsWith('--')) ?? 'scale/Kokoro-82M-v1.0-ONNX';
const phonemeCounts = flag('phonemes', '40,120').split(',').map(Number);
const runs = Number(flag('runs', '3'));
const DTYPE_FILES = [
  ['fp32', 'model.onnx'],
  ['q8', 'model_quantized.onnx'],
] as const;

interface Session {
  run(phonemes: number): Promise<number>;
  release(): Promise<void>;
}

/** input_ids of `phonemes` ordinary phoneme ids between pads, a fixed style, speed 1: the samples it spoke. */
function feeds<T>(make: (type: 'int64' | 'float32', data: BigInt64Array | Float32Array, dims: number[]) => T, phonemes: number): Record<string, T> {
  const ids = BigInt64Array.from([PAD_ID, ...Array.from({ length: phonemes }, (_, i) => 16 + (i * 7) % 140), PAD_ID], BigInt);
  const style = Float32Array.from({ length: STYLE_SIZE }, (_, i) => Math.sin(i) * 0.1);
  return { input_ids: make('int64', ids, [1, ids.length]), style: make('float32', style, [1, STYLE_SIZE]), speed: make('float32', Float32Array.of(1), [1]) };
}

async function webSession(bytes: Uint8Array): Promise<Session> {
  ortWeb.env.wasm.numThreads = 1;
  const session = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  return {
    async run(phonemes) {
      const out = await session.run(feeds((type, data, dims) => new ortWeb.Tensor(type, data, dims), phonemes));
      return out.waveform!.data.length;
    },
    release: () => session.release(),
  };
}

async function nodeSession(bytes: Uint8Array): Promise<Session> {
  const session = await ortNode.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: NODE_THREADS });
  return {
    async run(phonemes) {
      const out = await session.run(feeds((type, data, dims) => new ortNode.Tensor(type, data, dims), phonemes));
      return out.waveform!.data.length;
    },
    release: () => session.release(),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

console.log(`${modelId}: median of ${runs} run(s) after one warm-up; rtf = synthesis time / audio time`);
console.log('runtime             dtype  phonemes   ms/chunk   audio s    rtf');
for (const [runtime, open] of [
  ['wasm (ort-web, 1t)', webSession],
  [`cpu (ort-node, ${NODE_THREADS}t)`, nodeSession],
] as const) {
  for (const [dtype, file] of DTYPE_FILES) {
    const session = await open(new Uint8Array(readFileSync(join(DEFAULT_MODELS_DIR, modelId, 'onnx', file))));
    try {
      for (const phonemes of phonemeCounts) {
        await session.run(phonemes);
        const times: number[] = [];
        let samples = 0;
        for (let i = 0; i < runs; i++) {
          const startMs = performance.now();
          samples = await session.run(phonemes);
          times.push(performance.now() - startMs);
        }
        const ms = median(times);
        const audioS = samples / SAMPLE_RATE_HZ;
        console.log(`${runtime.padEnd(19)} ${dtype.padEnd(6)} ${String(phonemes).padStart(8)} ${ms.toFixed(0).padStart(10)} ${audioS.toFixed(2).padStart(9)} ${(ms / 1000 / audioS).toFixed(2).padStart(6)}`);
      }
    } finally {
      await session.release();
    }
  }
}
