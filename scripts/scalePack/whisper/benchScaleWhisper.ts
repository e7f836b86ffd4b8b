// Loads a generated scale Whisper through the app's own path (whisperFamily.load -> transformers.js ->
// onnxruntime-node, CPU) and transcribes a WAV with the app's transcriber, printing what it costs: load, warm-up,
// the encoder on one 30 s window, and decoding per token (median over runs).
// Usage: npx tsx scripts/scalePack/whisper/benchScaleWhisper.ts scale/whisper-base [q8|fp32] [--wav path] [--runs 3]
import { readFileSync } from 'node:fs';
import { env } from '@huggingface/transformers';
import { readWav } from '../../../src/audio/wav/readWav';
import { transcribe } from '../../../src/models/asr/transcriber';
import { whisperFamily } from '../../../src/models/asr/whisperFamily';
import { DEFAULT_MODELS_DIR } from '../../models/paths';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const positional = args.filter((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'));
const [modelId = 'scale/whisper-tiny', encoderDtype = 'q8'] = positional;
const wavPath = option('--wav') ?? 'fixtures/speech-16k.wav';
const runs = Number(option('--runs') ?? 3);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = `${DEFAULT_MODELS_DIR}/`;

const wav = readWav(new Uint8Array(readFileSync(wavPath)));
if (wav.sampleRateHz !== 16000) throw new Error(`${wavPath}: ${wav.sampleRateHz} Hz; the transcriber takes 16 kHz`);
const pcm16k = Float32Array.from(wav.samples);

const loadStartMs = performance.now();
const bundle = await whisperFamily.load(modelId, 'cpu', { encoder_model: encoderDtype, decoder_model_merged: 'q4' } as never, () => {});
const loadMs = performance.now() - loadStartMs;
const warmStartMs = performance.now();
const { outputs: [warmLogits] } = await whisperFamily.warmUp(bundle);
const warmUpMs = performance.now() - warmStartMs;

const encoderMs: number[] = [];
const perTokenMs: number[] = [];
let tokens = 0;
let text = '';
let finite = true;
for (let run = 0; run < runs; run++) {
  const result = await transcribe(bundle, { pcm16k });
  encoderMs.push(result.timingsMs.encoder);
  tokens = result.tokenIds.length;
  perTokenMs.push(result.timingsMs.decoder / tokens);
  text = result.text;
  finite &&= result.encoderHiddenStates.data.every(Number.isFinite);
}
await whisperFamily.dispose(bundle);

console.log(`${modelId} (encoder ${encoderDtype}, decoder q4) on ${wavPath} (${(pcm16k.length / 16000).toFixed(2)} s), ${runs} runs`);
console.log(`  load ${loadMs.toFixed(0)} ms, warm-up ${warmUpMs.toFixed(0)} ms (logits finite: ${warmLogits!.every(Number.isFinite)})`);
console.log(`  encoder (one 30 s window): ${median(encoderMs).toFixed(0)} ms median [${encoderMs.map((ms) => ms.toFixed(0)).join(', ')}]`);
console.log(`  decoding: ${tokens} tokens (text + <|endoftext|>), ${median(perTokenMs).toFixed(1)} ms per token median`);
console.log(`  encoder output finite: ${finite}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
console.log(`  transcript: ${JSON.stringify(text)}`);
