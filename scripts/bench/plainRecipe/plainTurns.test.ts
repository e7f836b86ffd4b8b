import { describe, expect, it } from 'vitest';
import type { PlainTurnMarks } from './plainAssistant';
import { plainSegments, plainTurnResult, segmentAudio } from './plainTurns';

const CHUNK = 512;

/** A fake Silero: speech wherever the chunk holds any sample above 0.01, and every chunk's length noted. */
function energyProbability(lengths: number[]) {
  return async (chunk: Float32Array) => {
    lengths.push(chunk.length);
    return chunk.some((sample) => Math.abs(sample) > 0.01) ? 0.9 : 0.01;
  };
}

/** `totalSamples` of silence with a 0.5 burst over [from, to). */
function burst(totalSamples: number, from: number, to: number): Float32Array {
  const pcm = new Float32Array(totalSamples);
  pcm.fill(0.5, from, to);
  return pcm;
}

const marks = (overrides: Partial<PlainTurnMarks> = {}): PlainTurnMarks => ({
  transcribedAtMs: 10_200,
  generateAtMs: 10_210,
  firstTokenAtMs: 10_400,
  firstTextAtMs: 10_400,
  firstSentenceAtMs: 10_500,
  firstAudioAtMs: 10_800,
  firstSentenceTimingsMs: { ttsText: 20, ttsModel: 260 },
  transcript: 'hello there',
  promptTokens: 40,
  prefilledTokens: 12,
  replyWords: 5,
  ...overrides,
});

describe('plainSegments: the recording in whole 512-sample chunks through the demo rule', () => {
  it('feeds every whole chunk once, drops the partial tail, and a burst from mid-chunk 9 to the end of chunk 29 is one segment', async () => {
    const lengths: number[] = [];
    // 60 whole chunks and 300 samples more; the burst starts 200 samples into chunk 9, so chunk 9 is voiced.
    const pcm = burst(60 * CHUNK + 300, 9 * CHUNK + 200, 30 * CHUNK);
    const segments = await plainSegments(pcm, energyProbability(lengths));
    expect(lengths).toEqual(Array<number>(60).fill(CHUNK));
    expect(segments).toHaveLength(1);
    // Voiced chunks 9..29, then 13 silent chunks (400 ms = 12.5 chunks) decide it; 3 chunks (>= 80 ms) before the onset.
    expect(segments[0]).toEqual({ decidedAtSample: (30 + 13) * CHUNK, startSample: 6 * CHUNK, endSample: (30 + 13) * CHUNK, trailingZeros: 1280 });
  });

  it('a voice in the partial tail is never heard', async () => {
    expect(await plainSegments(burst(60 * CHUNK + 300, 60 * CHUNK, 60 * CHUNK + 300), energyProbability([]))).toEqual([]);
  });
});

describe('segmentAudio', () => {
  it('is the segment\'s samples followed by its 80 ms of zeros', () => {
    const pcm = Float32Array.from({ length: 4 * CHUNK }, (_, i) => i + 1);
    const audio = segmentAudio(pcm, { decidedAtSample: 3 * CHUNK, startSample: CHUNK, endSample: 3 * CHUNK, trailingZeros: 1280 });
    expect(audio).toHaveLength(2 * CHUNK + 1280);
    expect(audio[0]).toBe(CHUNK + 1);
    expect(audio[2 * CHUNK - 1]).toBe(3 * CHUNK);
    expect(audio.subarray(2 * CHUNK).every((sample) => sample === 0)).toBe(true);
  });
});

describe('plainTurnResult', () => {
  // Decided at 43 chunks = 22016 samples = 1376 ms of stream; the voice ended at 900 ms: 476 ms of end-of-turn wait.
  const segment = { decidedAtSample: 43 * CHUNK, startSample: 6 * CHUNK, endSample: 43 * CHUNK, trailingZeros: 1280 };

  it('puts the end of speech as far before the hand-over as the decision came after the last voiced sample', () => {
    const result = plainTurnResult(segment, 900, 10_000, marks());
    if (typeof result === 'string') throw new Error(result);
    // 10000 - 476 = 9524 ms; first audio at 10800.
    expect(result.endOfSpeechToFirstAudioMs).toBeCloseTo(1276, 9);
    expect(result.stagesMs).toMatchObject({ endOfTurnWait: 476, asrOther: 200, promptBuild: 10, prefill: 190, firstToken: 0, firstClause: 100, ttsText: 20, ttsModel: 260, ttsWait: 20 });
    expect(result).toMatchObject({ promptTokens: 40, prefilledTokens: 12, replyWords: 5, asrTokens: null, speculativeHiddenMs: null });
  });

  it('is no timing when the reply gave no audio or the transcript was empty', () => {
    expect(plainTurnResult(segment, 900, 10_000, marks({ firstAudioAtMs: null }))).toMatch(/no reply audio/);
    expect(plainTurnResult(segment, 900, 10_000, null)).toMatch(/no reply audio \(transcript ""\)/);
  });
});
