// The plain recipe in the page: transformers.js on onnxruntime-web (wasm threads or WebGPU) in one module worker, as the
// demo runs it; Silero on onnxruntime-web over the bench's recording, fetched from the dev server.
import * as ort from 'onnxruntime-web';
import { readWav } from '../../../../src/audio/wav/readWav';
import { configureTransformers } from '../../../../src/models/runtime/transformersRuntime';
import { loadPlainModelSet } from '../plainModelSet';
import { PLAIN_RATE_HZ, plainTurns, type ChunkProbability } from '../plainTurns';
import { PLAIN_CHUNK_SAMPLES } from '../plainVad';
import type { PlainPageMessage, PlainPageRequest } from './plainPageProtocol';

const MODELS_URL = `${import.meta.env.BASE_URL}models/`;

const post = (message: PlainPageMessage) => self.postMessage(message);

async function bytesAt(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Silero v5 on bare 512-sample chunks with its recurrent state, the app's model file, wasm only (as the app's VAD). */
async function sileroInPage(): Promise<ChunkProbability> {
  const session = await ort.InferenceSession.create(await bytesAt(`${MODELS_URL}vad/silero_vad_v5.onnx`), { executionProviders: ['wasm'] });
  const sr = new ort.Tensor('int64', BigInt64Array.of(BigInt(PLAIN_RATE_HZ)), []);
  let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  return async (chunk) => {
    const out = await session.run({ input: new ort.Tensor('float32', chunk, [1, PLAIN_CHUNK_SAMPLES]), state, sr });
    state = out.stateN!;
    return (out.output!.data as Float32Array)[0]!;
  };
}

async function hasShaderF16(): Promise<boolean> {
  const adapter = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
  return adapter?.features.has('shader-f16') ?? false;
}

async function run({ pack, components, device, wasmThreads, replyTokens, recordingUrl, turns }: PlainPageRequest): Promise<void> {
  // Also the VAD's runtime: the bare onnxruntime-web import is the instance transformers.js uses (vite.config.ts).
  // The build transformers.js loads by default on either device.
  configureTransformers(pack, wasmThreads, 'asyncify');
  const shaderF16 = device === 'webgpu' && (await hasShaderF16());
  const loadStartMs = performance.now();
  const models = await loadPlainModelSet(components, device, shaderF16, (modelId, voiceName) => bytesAt(`${MODELS_URL}${modelId}/voices/${voiceName}.bin`));
  post({ kind: 'loaded', loadMs: performance.now() - loadStartMs });
  post({ kind: 'log', line: `models loaded and warmed up on ${device}${device === 'webgpu' ? ` (${shaderF16 ? 'with' : 'without'} shader-f16)` : ` with ${wasmThreads} threads`}` });
  const { samples, sampleRateHz } = readWav(await bytesAt(recordingUrl));
  const probabilityOf = await sileroInPage();
  for await (const turn of plainTurns(models, { samples, sampleRateHz, turns }, replyTokens, probabilityOf, (line) => post({ kind: 'log', line }))) post({ kind: 'turn', turn });
  await models.release();
}

self.addEventListener('message', ({ data }: MessageEvent<PlainPageRequest>) => {
  run(data).then(
    () => post({ kind: 'done' }),
    (error: unknown) => post({ kind: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }),
  );
});
