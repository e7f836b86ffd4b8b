// The plain recipe over the bench's recording, runtime-free: its VAD rule on raw Silero probabilities (512-sample chunks,
// no context, as the demo feeds the model) over the whole recording, then each turn it sends off answered and timed like
// ours. Node and the bench page differ only in how one Silero step runs (onnxruntime-node or -web).
import { StreamingResampler } from '../../../src/audio/dsp/resampler';
import { matchTurns } from '../turnBudget/listenTimed';
import type { TurnAudioTurn } from '../turnBudget/turnAudio';
import { turnStages, type TurnResult } from '../turnBudget/turnResult';
import { PlainAssistant, type PlainTurnMarks } from './plainAssistant';
import type { PlainModels } from './plainModelSet';
import { PLAIN_CHUNK_SAMPLES, PlainVadSegmenter, type PlainSegment } from './plainVad';

export const PLAIN_RATE_HZ = 16_000;

/** The bench's recording: what the fake microphone plays, and where each spoken turn's voice ends. */
export interface PlainRecording {
  sampleRateHz: number;
  samples: Float32Array;
  turns: readonly Pick<TurnAudioTurn, 'voicedStartMs' | 'voicedEndMs'>[];
}

/** Silero v5's speech probability for the next bare 512-sample chunk at 16 kHz, carrying its recurrent state. */
export type ChunkProbability = (chunk: Float32Array) => Promise<number>;

const sampleToMs = (sample: number) => (sample * 1000) / PLAIN_RATE_HZ;

export function to16k(samples: Float32Array, rateHz: number): Float32Array {
  const resampler = new StreamingResampler(rateHz, PLAIN_RATE_HZ);
  const out = new Float32Array(resampler.maxOutputLength(samples.length) + resampler.maxOutputLength(0) + 1024);
  const written = resampler.process(samples, out);
  return out.slice(0, written + resampler.flush(out.subarray(written)));
}

/** The demo's segments of the recording: every whole 512-sample chunk's probability through its VAD rule. */
export async function plainSegments(pcm16k: Float32Array, probabilityOf: ChunkProbability): Promise<PlainSegment[]> {
  const segmenter = new PlainVadSegmenter();
  const segments: PlainSegment[] = [];
  for (let start = 0; start + PLAIN_CHUNK_SAMPLES <= pcm16k.length; start += PLAIN_CHUNK_SAMPLES) {
    const segment = segmenter.push(await probabilityOf(pcm16k.slice(start, start + PLAIN_CHUNK_SAMPLES)));
    if (segment) segments.push(segment);
  }
  return segments;
}

/** What the demo hands its ASR: the segment's samples, then its padding of silence. */
export function segmentAudio(pcm16k: Float32Array, segment: PlainSegment): Float32Array {
  const audio = new Float32Array(segment.endSample - segment.startSample + segment.trailingZeros);
  audio.set(pcm16k.subarray(segment.startSample, segment.endSample));
  return audio;
}

/**
 * One spoken turn's timing, or why it has none. The recording is listened to offline, so the end of speech is put as far
 * before the hand-over as the stream's decision came after the last voiced sample; the rest is wall time.
 */
export function plainTurnResult(segment: PlainSegment, voicedEndMs: number, handedAtMs: number, marks: PlainTurnMarks | null): TurnResult | string {
  if (!marks?.firstTokenAtMs || !marks.firstTextAtMs || !marks.firstSentenceAtMs || !marks.firstAudioAtMs) {
    return `no reply audio (transcript "${marks?.transcript ?? ''}")`;
  }
  const speechEndAtMs = handedAtMs - (sampleToMs(segment.decidedAtSample) - voicedEndMs);
  const { totalMs, stagesMs } = turnStages(
    { speechEndAtMs, handedAtMs, transcribedAtMs: marks.transcribedAtMs, firstTextAtMs: marks.firstTextAtMs, firstClauseAtMs: marks.firstSentenceAtMs, firstAudioAtMs: marks.firstAudioAtMs },
    {
      promptBuildMs: marks.generateAtMs - marks.transcribedAtMs,
      prefillMs: marks.firstTokenAtMs - marks.generateAtMs,
      ttsTextMs: marks.firstSentenceTimingsMs?.ttsText,
      ttsModelMs: marks.firstSentenceTimingsMs?.ttsModel,
    },
  );
  return { endOfSpeechToFirstAudioMs: totalMs, stagesMs, promptTokens: marks.promptTokens, prefilledTokens: marks.prefilledTokens, asrTokens: null, replyWords: marks.replyWords, speculativeHiddenMs: null };
}

/** Yields after each segment answered: its timing, or null when it is no whole spoken turn or gave no audio. */
export async function* plainTurns(models: PlainModels, recording: PlainRecording, replyTokens: number, probabilityOf: ChunkProbability, log: (line: string) => void): AsyncGenerator<TurnResult | null> {
  const pcm16k = to16k(recording.samples, recording.sampleRateHz);
  const segments = await plainSegments(pcm16k, probabilityOf);
  const matched = matchTurns(recording.turns, segments.map((s) => ({ startMs: sampleToMs(s.startSample), endMs: sampleToMs(s.endSample) })));
  const assistant = new PlainAssistant(models);
  for (const [index, segment] of segments.entries()) {
    const spoken = matched.indexOf(index);
    const handedAtMs = performance.now();
    const marks = await assistant.answer(segmentAudio(pcm16k, segment), replyTokens);
    if (spoken < 0) {
      log(`plain: a segment at ${(sampleToMs(segment.startSample) / 1000).toFixed(2)} s is no whole spoken turn; answered, not timed`);
      yield null;
      continue;
    }
    const result = plainTurnResult(segment, recording.turns[spoken]!.voicedEndMs, handedAtMs, marks);
    if (typeof result === 'string') {
      log(`plain turn ${spoken + 1}: ${result}: not timed`);
      yield null;
      continue;
    }
    log(`plain turn ${spoken + 1}: ${result.endOfSpeechToFirstAudioMs.toFixed(0)} ms to first audio`);
    yield result;
  }
}
