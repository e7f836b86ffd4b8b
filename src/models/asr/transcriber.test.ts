import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../audio/wav/readWav';
import { recordingLogMel } from '../../audio/recordingLogMel';
import { ASR_SAMPLE_RATE_HZ, transcribe, windowFromTurnLogMel } from './transcriber';
import { whisperFamily, type WhisperBundle } from './whisperFamily';

const MODELS_DIR = join(process.cwd(), 'public', 'models');
// Designed ids of the tiny pack (scripts/tinyPack/whisper.test.ts): " Hello, how are you?" then <|endoftext|> 275.
const SPEECH_IDS = [260, 11, 263, 266, 269, 30, 275];
const SILENCE_IDS = [274, 269, 13, 275];
/** The tiny encoder: 1500 positions (3000 mel frames / 2), d_model 64. */
const HIDDEN_DIMS = [1, 1500, 64];

let bundle: WhisperBundle;
let speech: Float32Array;

interface CountedSession {
  run: (...args: unknown[]) => Promise<unknown>;
}

/** Counts runs of one of the model's ONNX sessions while `body` runs. */
async function countRuns<T>(sessionName: string, body: () => Promise<T>): Promise<{ result: T; runs: number }> {
  const session = (bundle.model.sessions as Record<string, CountedSession>)[sessionName]!;
  const run = session.run;
  let runs = 0;
  session.run = (...args) => {
    runs++;
    return run.apply(session, args);
  };
  try {
    return { result: await body(), runs };
  } finally {
    session.run = run;
  }
}

beforeAll(async () => {
  if (!existsSync(join(MODELS_DIR, 'tiny', 'whisper'))) throw new Error('public/models/tiny/whisper is missing: run `npm run make:tiny-pack` first.');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  bundle = await whisperFamily.load('tiny/whisper', 'cpu', 'fp32', () => {});
  const wav = readWav(new Uint8Array(await readFile(join(process.cwd(), 'fixtures', 'speech-16k.wav'))));
  expect(wav.sampleRateHz).toBe(ASR_SAMPLE_RATE_HZ);
  speech = wav.samples;
});

afterAll(async () => {
  if (bundle) await whisperFamily.dispose(bundle);
});

describe('transcribe (tiny Whisper, onnxruntime-node)', () => {
  it('transcribes the speech fixture to the designed sentence, trimmed', async () => {
    const transcript = await transcribe(bundle, { pcm16k: speech });
    expect(transcript.text).toBe('Hello, how are you?');
    expect(transcript.tokenIds).toEqual(SPEECH_IDS);
    expect(Object.values(transcript.timingsMs).every((ms) => ms >= 0)).toBe(true);
  });

  it('transcribes one second of digital silence to the designed hallucination', async () => {
    const transcript = await transcribe(bundle, { pcm16k: new Float32Array(ASR_SAMPLE_RATE_HZ) });
    expect(transcript.text).toBe('Thank you.');
    expect(transcript.tokenIds).toEqual(SILENCE_IDS);
  });

  it('runs the encoder once per turn and the decoder once per generated token', async () => {
    const decoder = await countRuns('decoder_model_merged', () => countRuns('model', () => transcribe(bundle, { pcm16k: speech })));
    expect(decoder.result.runs).toBe(1);
    expect(decoder.runs).toBe(SPEECH_IDS.length);
    expect(decoder.result.result.text).toBe('Hello, how are you?');
  });

  it("keeps the encoder's last_hidden_state [1, 1500, 64] for the speech path", async () => {
    const { encoderHiddenStates } = await transcribe(bundle, { pcm16k: speech });
    expect(encoderHiddenStates.dims).toEqual(HIDDEN_DIMS);
    expect(encoderHiddenStates.data).toBeInstanceOf(Float32Array);
    expect(encoderHiddenStates.data.length).toBe(1500 * 64);
    expect(encoderHiddenStates.data.some((x) => x !== 0)).toBe(true);
  });

  it('accepts exactly 30 s and rejects longer audio with a message naming the limit', async () => {
    const thirty = await transcribe(bundle, { pcm16k: new Float32Array(30 * ASR_SAMPLE_RATE_HZ) });
    expect(thirty.text).toBe('Thank you.');
    await expect(transcribe(bundle, { pcm16k: new Float32Array(30 * ASR_SAMPLE_RATE_HZ + 1) })).rejects.toThrow(/30\.00 s long; Whisper takes at most 30 s/);
  });

  it('an abort during decoding ends it within one step and rejects with the abort reason', async () => {
    const controller = new AbortController();
    let decoderRuns = 0;
    const session = (bundle.model.sessions as Record<string, CountedSession>)['decoder_model_merged']!;
    const run = session.run;
    session.run = async (...args) => {
      const outputs = await run.apply(session, args);
      // Abort while the second step's logits are on their way to the sampler.
      if (++decoderRuns === 2) controller.abort(new Error('barge-in'));
      return outputs;
    };
    try {
      await expect(transcribe(bundle, { pcm16k: speech }, { signal: controller.signal })).rejects.toThrow('barge-in');
    } finally {
      session.run = run;
    }
    expect(decoderRuns).toBe(2);
  });
});

describe("transcribe from the turn's own log-mel", () => {
  it("builds Whisper's 30 s window: the frames, then digital silence, as WhisperFeatureExtractor does", async () => {
    const logMel = recordingLogMel(speech, ASR_SAMPLE_RATE_HZ, 80);
    const ours = windowFromTurnLogMel(logMel).data as Float32Array;
    const reference = ((await bundle.processor(speech)) as { input_features: { data: Float32Array } }).input_features.data;
    let maxDiff = 0;
    for (let m = 0; m < 80; m++) {
      // Frames of audio, and frames of pure padding; the two frames straddling the end mix both.
      for (let t = 0; t < 3000; t++) {
        if (t >= logMel.frameCount && t < logMel.frameCount + 2) continue;
        maxDiff = Math.max(maxDiff, Math.abs(ours[m * 3000 + t]! - reference[m * 3000 + t]!));
      }
    }
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it('gives the same transcript without running the feature extractor', async () => {
    const fromPcm = await transcribe(bundle, { pcm16k: speech });
    const fromTurn = await transcribe(bundle, { pcm16k: speech, logMel: recordingLogMel(speech, ASR_SAMPLE_RATE_HZ, 80) });
    expect(fromTurn.tokenIds).toEqual(fromPcm.tokenIds);
    expect(fromTurn.timingsMs.features).toBeLessThan(fromPcm.timingsMs.features);
  });
});
