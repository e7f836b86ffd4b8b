// Times the feature DSP over 30 s of speech in 128-sample blocks (the AudioWorklet's work) against
// transformers.js' WhisperFeatureExtractor on the same 30 s, in one run.
import { readFileSync } from 'node:fs';
import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { RENDER_QUANTUM_SAMPLES, WHISPER_CHUNK_SAMPLES, SAMPLE_RATE_HZ } from '../src/audio/dsp/constants';
import { FeaturePipeline } from '../src/audio/featurePipeline';
import { readWav } from '../src/audio/wav/readWav';

const DURATION_S = WHISPER_CHUNK_SAMPLES / SAMPLE_RATE_HZ;
const WARMUP_RUNS = 3;
const TIMED_RUNS = 9;

/** The fixture repeated to exactly 30 s at its own rate. */
function loop30s(path: string): { samples: Float32Array; rateHz: number } {
  const wav = readWav(new Uint8Array(readFileSync(path)));
  const samples = new Float32Array(DURATION_S * wav.sampleRateHz);
  for (let i = 0; i < samples.length; i++) samples[i] = wav.samples[i % wav.samples.length]!;
  return { samples, rateHz: wav.sampleRateHz };
}

async function medianMs(run: () => unknown): Promise<number> {
  for (let i = 0; i < WARMUP_RUNS; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function pipelineRun({ samples, rateHz }: { samples: Float32Array; rateHz: number }): () => void {
  let frames = 0;
  const pipeline = new FeaturePipeline({ inputRateHz: rateHz, onBatch: (batch) => (frames += batch.energy.length) });
  const blocks = Array.from({ length: Math.ceil(samples.length / RENDER_QUANTUM_SAMPLES) }, (_, i) =>
    samples.subarray(i * RENDER_QUANTUM_SAMPLES, (i + 1) * RENDER_QUANTUM_SAMPLES));
  return () => {
    pipeline.reset();
    frames = 0;
    for (const block of blocks) pipeline.push(block);
    pipeline.flush();
    if (frames !== 3000) throw new Error(`expected 3000 frames, got ${frames}`);
  };
}

const speech48k = loop30s('fixtures/speech-48k.wav');
const speech16k = loop30s('fixtures/speech-16k.wav');
const extractor = new WhisperFeatureExtractor({
  feature_size: 80, sampling_rate: 16000, hop_length: 160, chunk_length: 30, n_fft: 400, padding_value: 0, n_samples: 480000, nb_max_frames: 3000,
});

const referenceMs = await medianMs(() => extractor(speech16k.samples));
const rows = [
  ['FeaturePipeline 48 kHz (resample + features)', await medianMs(pipelineRun(speech48k))],
  ['FeaturePipeline 16 kHz (features only)', await medianMs(pipelineRun(speech16k))],
  ['transformers.js WhisperFeatureExtractor 16 kHz', referenceMs],
] as const;
console.log(`median of ${TIMED_RUNS} runs after ${WARMUP_RUNS} warm-ups, ${DURATION_S} s of speech, 128-sample blocks`);
for (const [name, ms] of rows) {
  const realTime = ms / (DURATION_S * 1000);
  console.log(`${name.padEnd(48)} ${ms.toFixed(1).padStart(7)} ms/30 s  ${(realTime * 100).toFixed(3)} % of real time  ${(referenceMs / ms).toFixed(2)}x vs transformers.js`);
}
