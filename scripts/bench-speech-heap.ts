// `npx tsx scripts/bench-speech-heap.ts [--turns 80]`: the resident memory and front time of ES4R's speech encoder (the asr worker's
// onnxruntime wasm heap in the app) as a dialogue grows, in Node on the tiny pack. Whisper is stubbed (its window is
// fixed-size); the front's input grows with every kept turn until the 3000-frame window is full.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSpeechEncoder } from '../src/models/es4r/runtime/loadEs4r';

const args = process.argv.slice(2);
const TURNS = args.includes('--turns') ? Number(args[args.indexOf('--turns') + 1]) : 80;
const EVERY = 10;
/** The looping dialogue fixture's turns last 2.8 to 4.1 s (10 ms frames); a fixed seed keeps runs comparable. */
const MIN_FRAMES = 280;
const FRAME_SPREAD = 180;

const dir = join(process.cwd(), 'public', 'models', 'tiny', 'es4r');
const encoder = await loadSpeechEncoder((path) => readFile(join(dir, path)).then((bytes) => new Uint8Array(bytes)));
const dModel = encoder.whisperDModel;
const whisper = async () => ({ data: new Float32Array(1500 * dModel), frames: 1500, dModel });
let seed = 1;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const turns = [];
const startMb = process.memoryUsage().rss / 2 ** 20;
console.log(`turns  kept  RSS MB  front ms  (start ${startMb.toFixed(0)} MB)`);
for (let n = 1; n <= TURNS; n++) {
  const frameCount = MIN_FRAMES + Math.floor(random() * FRAME_SPREAD);
  turns.push({ data: new Float32Array(80 * frameCount).map(() => random() - 0.5), nMels: 80, frameCount });
  const { turnsUsed, timingsMs } = await encoder.encode(turns, whisper, { dualAttention: true });
  if (n % EVERY === 0) console.log(`${String(n).padStart(5)}${String(turnsUsed).padStart(6)}${(process.memoryUsage().rss / 2 ** 20).toFixed(0).padStart(8)}${timingsMs.speechFront.toFixed(0).padStart(10)}`);
}
await encoder.release();
