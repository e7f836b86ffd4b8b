// Writes the Whisper-normalised log-mel of a WAV file as .npy, computed by the same streaming path as the browser.
import { writeFileSync } from 'node:fs';
import { FeaturePipeline } from '../src/audio/featurePipeline';
import { normalizeWhisperLogMel, transposeFrameMajor } from '../src/audio/dsp/whisperNormalize';
import { HOP_SAMPLES, RENDER_QUANTUM_SAMPLES, SAMPLE_RATE_HZ } from '../src/audio/dsp/constants';
import { encodeNpy } from '../src/audio/wav/npy';
import { CliError } from './cli/cliError';
import { loadWav } from './cli/loadWav';
import { parseCliArgs, usageError } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';

/** One Whisper window: the normalisation is defined over at most 30 s. */
const MAX_DURATION_S = 30;
const USAGE = 'npm run -s features -- <in.wav> <out.npy> [--mels 80|128]';

await runCli('features', async () => {
  const { values, positionals } = parseCliArgs({
    usage: USAGE,
    positionals: ['<in.wav>', '<out.npy>'],
    options: { mels: { type: 'string', default: '80' } },
  });
  const [inPath = '', outPath = ''] = positionals;
  const nMels = Number(values.mels);
  if (nMels !== 80 && nMels !== 128) throw usageError(USAGE, `--mels must be 80 or 128, got '${values.mels}'`);

  const wav = loadWav(inPath);
  const durationS = wav.samples.length / wav.sampleRateHz;
  if (durationS > MAX_DURATION_S) {
    throw new CliError(`${inPath}: ${durationS.toFixed(2)} s is longer than the ${MAX_DURATION_S} s maximum (one Whisper window)`);
  }

  const frames: Float32Array[] = [];
  let samples16k = 0;
  const pipeline = new FeaturePipeline({
    inputRateHz: wav.sampleRateHz,
    nMels,
    // The batch arrays are views reused after the callback: copy them.
    onBatch: (batch) => {
      samples16k += batch.pcm16k.length;
      frames.push(batch.logMel.slice());
    },
  });
  // 128-sample blocks, as the AudioWorklet receives them.
  for (let start = 0; start < wav.samples.length; start += RENDER_QUANTUM_SAMPLES) {
    pipeline.push(wav.samples.subarray(start, start + RENDER_QUANTUM_SAMPLES));
  }
  pipeline.flush();

  const frameCount = Math.floor(samples16k / HOP_SAMPLES);
  const logMel = concat(frames);
  if (logMel.length < frameCount * nMels) {
    throw new Error(`FeaturePipeline gave ${logMel.length / nMels} frames for ${samples16k} samples at ${SAMPLE_RATE_HZ} Hz, expected ${frameCount}`);
  }
  const frameMajor = logMel.subarray(0, frameCount * nMels);
  normalizeWhisperLogMel(frameMajor);
  writeFileSync(outPath, encodeNpy(transposeFrameMajor(frameMajor, nMels), [nMels, frameCount]));
  process.stderr.write(`features: ${inPath} -> ${outPath} [${nMels} x ${frameCount}]\n`);
});

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
