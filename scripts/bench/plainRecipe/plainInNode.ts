// The plain recipe over the bench's recording in Node: its VAD rule on raw Silero probabilities (512-sample chunks, no
// context, as the demo feeds the model), then each turn it sends off answered and timed like ours.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { StreamingResampler } from '../../../src/audio/dsp/resampler';
import { loadVadModel } from '../../cli/loadVadModel';
import { matchTurns } from '../turnBudget/listenTimed';
import type { TurnAudio } from '../turnBudget/turnAudio';
import { turnStages, type TurnResult } from '../turnBudget/turnResult';
import { PlainAssistant } from './plainAssistant';
import type { PlainModels } from './plainModels';
import { PLAIN_CHUNK_SAMPLES, PlainVadSegmenter, type PlainSegment } from './plainVad';

const RATE_HZ = 16_000;

function to16k(samples: Float32Array, rateHz: number): Float32Array {
  const resampler = new StreamingResampler(rateHz, RATE_HZ);
  const out = new Float32Array(resampler.maxOutputLength(samples.length) + resampler.maxOutputLength(0) + 1024);
  const written = resampler.process(samples, out);
  return out.slice(0, written + resampler.flush(out.subarray(written)));
}

/** The demo's segments of the recording, with Silero v5 run on bare 512-sample chunks and its recurrent state. */
async function plainSegments(pcm16k: Float32Array): Promise<PlainSegment[]> {
  const session = await InferenceSession.create(loadVadModel());
  try {
    const segmenter = new PlainVadSegmenter();
    const sr = new Tensor('int64', BigInt64Array.of(BigInt(RATE_HZ)), []);
    let state: Tensor = new Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
    const segments: PlainSegment[] = [];
    for (let start = 0; start + PLAIN_CHUNK_SAMPLES <= pcm16k.length; start += PLAIN_CHUNK_SAMPLES) {
      const input = new Tensor('float32', pcm16k.slice(start, start + PLAIN_CHUNK_SAMPLES), [1, PLAIN_CHUNK_SAMPLES]);
      const out = await session.run({ input, state, sr });
      state = out.stateN as Tensor;
      const segment = segmenter.push((out.output!.data as Float32Array)[0]!);
      if (segment) segments.push(segment);
    }
    return segments;
  } finally {
    await session.release();
  }
}

/** Yields after each segment answered: its timing, or null when it is no whole spoken turn or gave no audio. */
export async function* plainTurnsInNode(models: PlainModels, audio: TurnAudio, replyTokens: number, log: (line: string) => void): AsyncGenerator<TurnResult | null> {
  const pcm16k = to16k(audio.samples, audio.sampleRateHz);
  const segments = await plainSegments(pcm16k);
  const toMs = (sample: number) => (sample * 1000) / RATE_HZ;
  const matched = matchTurns(audio.turns, segments.map((s) => ({ startMs: toMs(s.startSample), endMs: toMs(s.endSample) })));
  const assistant = new PlainAssistant(models);
  for (const [index, segment] of segments.entries()) {
    const spoken = matched.indexOf(index);
    const turnAudio = new Float32Array(segment.endSample - segment.startSample + segment.trailingZeros);
    turnAudio.set(pcm16k.subarray(segment.startSample, segment.endSample));
    const handedAtMs = performance.now();
    const marks = await assistant.answer(turnAudio, replyTokens);
    if (spoken < 0) {
      log(`plain: a segment at ${(toMs(segment.startSample) / 1000).toFixed(2)} s is no whole spoken turn; answered, not timed`);
      yield null;
      continue;
    }
    if (!marks?.firstTokenAtMs || !marks.firstTextAtMs || !marks.firstSentenceAtMs || !marks.firstAudioAtMs) {
      log(`plain turn ${spoken + 1}: no reply audio (transcript "${marks?.transcript ?? ''}"): not timed`);
      yield null;
      continue;
    }
    const speechEndAtMs = handedAtMs - (toMs(segment.decidedAtSample) - audio.turns[spoken]!.voicedEndMs);
    const { totalMs, stagesMs } = turnStages(
      { speechEndAtMs, handedAtMs, transcribedAtMs: marks.transcribedAtMs, firstTextAtMs: marks.firstTextAtMs, firstClauseAtMs: marks.firstSentenceAtMs, firstAudioAtMs: marks.firstAudioAtMs },
      { promptBuildMs: marks.generateAtMs - marks.transcribedAtMs, prefillMs: marks.firstTokenAtMs - marks.generateAtMs },
    );
    log(`plain turn ${spoken + 1}: ${totalMs.toFixed(0)} ms to first audio`);
    yield { endOfSpeechToFirstAudioMs: totalMs, stagesMs, promptTokens: marks.promptTokens, prefilledTokens: marks.prefilledTokens, asrTokens: null, pacedWords: marks.pacedWords, speculativeHiddenMs: null };
}
}
