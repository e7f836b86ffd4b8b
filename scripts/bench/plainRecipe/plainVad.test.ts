import { describe, expect, it } from 'vitest';
import { PLAIN_CHUNK_SAMPLES, PlainVadSegmenter, type PlainSegment } from './plainVad';

/** Runs probabilities through a fresh segmenter; the segments it sends off. */
function segments(probabilities: number[]): PlainSegment[] {
  const segmenter = new PlainVadSegmenter();
  return probabilities.flatMap((p) => segmenter.push(p) ?? []);
}

const silence = (chunks: number) => Array<number>(chunks).fill(0.01);
const speech = (chunks: number) => Array<number>(chunks).fill(0.9);

describe('PlainVadSegmenter (the conversational-webgpu demo rule)', () => {
  it('sends a turn off after 400 ms of non-speech: 13 chunks of 32 ms, decided at the end of the 13th', () => {
    // 10 chunks of silence, 20 of speech (chunks 10..29), then silence: 6400 samples = 12.5 chunks -> the 13th.
    const [segment, ...rest] = segments([...silence(10), ...speech(20), ...silence(30)]);
    expect(rest).toHaveLength(0);
    expect(segment!.decidedAtSample).toBe((30 + 13) * PLAIN_CHUNK_SAMPLES);
    // Three chunks (>= 80 ms) from before the onset, the recorded chunks, then 80 ms of zeros.
    expect(segment!.startSample).toBe(7 * PLAIN_CHUNK_SAMPLES);
    expect(segment!.endSample).toBe(segment!.decidedAtSample);
    expect(segment!.trailingZeros).toBe(1280);
  });

  it('stays in speech down to the exit threshold (0.1) once speaking, but needs 0.3 to start', () => {
    expect(segments([...silence(5), ...Array<number>(40).fill(0.2)])).toHaveLength(0);
    const held = segments([...silence(5), ...speech(10), ...Array<number>(20).fill(0.15), ...silence(20)]);
    expect(held).toHaveLength(1);
    expect(held[0]!.decidedAtSample).toBe((5 + 10 + 20 + 13) * PLAIN_CHUNK_SAMPLES);
  });

  it('counts the closing silence into its 250 ms minimum, as the demo does, so even a 32 ms blip is sent off', () => {
    // 1 speech chunk + 13 silent ones = 14 x 512 = 7168 samples >= 4000.
    expect(segments([...silence(3), ...speech(1), ...silence(14)])).toHaveLength(1);
    const later = segments([...silence(3), ...speech(1), ...silence(14), ...speech(20), ...silence(14)]);
    expect(later).toHaveLength(2);
  });

  it('a pause shorter than 400 ms does not end the turn', () => {
    expect(segments([...silence(3), ...speech(10), ...silence(12), ...speech(10), ...silence(13)])).toHaveLength(1);
  });
});
