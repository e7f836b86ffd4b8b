import { describe, expect, it } from 'vitest';
import {
  ALL_CUES_ON,
  countWords,
  describeCues,
  detectPauses,
  measureCues,
  type AffectCues,
  type CueInput,
} from './affectCues';
import { appendUserTurn, newDialogue, type Dialogue } from './dialogue';

const LOUD = 1; // 0 dB
const QUIET = 1e-4; // -40 dB: 40 dB below the median, beyond the 25 dB pause depth

/** A padded turn: 10 quiet non-speech frames, then speech frames of the given energies, then 10 more. */
function trace(speechEnergies: number[]): { energy: Float32Array; speechFrames: Uint8Array } {
  const pad = new Array<number>(10).fill(1e-6);
  const energy = Float32Array.from([...pad, ...speechEnergies, ...pad]);
  const speechFrames = Uint8Array.from([...pad.map(() => 0), ...speechEnergies.map(() => 1), ...pad.map(() => 0)]);
  return { energy, speechFrames };
}

const frames = (count: number, energy: number): number[] => new Array<number>(count).fill(energy);

function dialogueWithEnergies(energiesDb: number[]): Dialogue {
  const cues = measureCues(input({ transcript: 'x' }), newDialogue());
  return energiesDb.reduce(
    (dialogue, energyDb) =>
      appendUserTurn(dialogue, { transcript: 'x', startMs: 0, endMs: 1000, energyDb, strategy: 'neutral', deltaDb: null, cues }),
    newDialogue(),
  );
}

function input(overrides: Partial<CueInput>): CueInput {
  return {
    transcript: 'one two three four five six seven',
    startMs: 1000,
    endMs: 5000,
    energyDb: 60,
    ...trace(frames(400, LOUD)),
    strategy: 'neutral',
    deltaDb: null,
    ...overrides,
  };
}

describe('countWords', () => {
  it('counts whitespace tokens with a letter or digit', () => {
    expect(countWords("Well... I - I don't know, 2 days?")).toBe(7);
    expect(countWords(' ... - ')).toBe(0);
    expect(countWords('')).toBe(0);
  });
});

describe('measureCues', () => {
  it('measures words per second over onset..offset', () => {
    // 7 words in 4 s.
    expect(measureCues(input({}), newDialogue()).wordsPerSecond).toBe(1.75);
    expect(measureCues(input({ endMs: 1000 }), newDialogue()).wordsPerSecond).toBeNull();
  });

  it('gives the energy relative to the mean of the earlier user turns, null for the first', () => {
    expect(measureCues(input({ energyDb: 56 }), dialogueWithEnergies([60, 70])).relativeEnergyDb).toBe(-9);
    expect(measureCues(input({}), newDialogue()).relativeEnergyDb).toBeNull();
  });

  it('passes the strategy and Delta_e through', () => {
    const cues = measureCues(input({ strategy: 'comfort', deltaDb: -4 }), dialogueWithEnergies([60]));
    expect(cues).toMatchObject({ strategy: 'comfort', deltaDb: -4, wordCount: 7 });
  });

  it('finds a 600 ms gap inside the speech', () => {
    const withGap = trace([...frames(70, LOUD), ...frames(60, QUIET), ...frames(70, LOUD)]);
    expect(measureCues(input(withGap), newDialogue())).toMatchObject({ pauseCount: 1, longestPauseMs: 600 });
  });
});

describe('detectPauses', () => {
  it('counts gaps of at least 500 ms and reports the longest', () => {
    const { energy, speechFrames } = trace([
      ...frames(100, LOUD),
      ...frames(60, QUIET),
      ...frames(100, LOUD),
      ...frames(120, QUIET),
      ...frames(100, LOUD),
      ...frames(40, QUIET), // 400 ms: too short to count
      ...frames(100, LOUD),
    ]);
    expect(detectPauses(energy, speechFrames)).toEqual({ pauseCount: 2, longestPauseMs: 1200 });
  });

  it('ignores quiet runs at the edges of the speech mask and dips shallower than 25 dB', () => {
    const edges = trace([...frames(80, QUIET), ...frames(200, LOUD), ...frames(80, QUIET)]);
    expect(detectPauses(edges.energy, edges.speechFrames)).toEqual({ pauseCount: 0, longestPauseMs: 0 });
    const shallow = trace([...frames(100, LOUD), ...frames(80, 0.01), ...frames(100, LOUD)]); // -20 dB
    expect(detectPauses(shallow.energy, shallow.speechFrames)).toEqual({ pauseCount: 0, longestPauseMs: 0 });
  });

  it('rejects mismatched lengths', () => {
    expect(() => detectPauses(new Float32Array(3), new Uint8Array(2))).toThrow(RangeError);
  });
});

describe('describeCues', () => {
  const cues: AffectCues = {
    wordCount: 8,
    wordsPerSecond: 1.4,
    relativeEnergyDb: -9.2,
    pauseCount: 2,
    longestPauseMs: 1200,
    strategy: 'comfort',
    deltaDb: -9.2,
  };
  const energySentence = "The user's voice has become much quieter than earlier in the conversation (-9 dB).";
  const rateSentence = 'They are speaking slowly (1.4 words per second).';
  const pauseSentence = 'They made long pauses while speaking (two, up to 1.2 s).';

  it('describes every remarkable cue in plain words', () => {
    expect(describeCues(cues, ALL_CUES_ON)).toEqual([energySentence, rateSentence, pauseSentence]);
  });

  it('removes exactly the sentence of a cue that is switched off', () => {
    expect(describeCues(cues, { ...ALL_CUES_ON, relativeEnergy: false })).toEqual([rateSentence, pauseSentence]);
    expect(describeCues(cues, { ...ALL_CUES_ON, speakingRate: false })).toEqual([energySentence, pauseSentence]);
    expect(describeCues(cues, { ...ALL_CUES_ON, pauses: false })).toEqual([energySentence, rateSentence]);
  });

  it('words the energy change by tau and 2 tau', () => {
    const energy = (relativeEnergyDb: number | null, tauDb = 3): string[] =>
      describeCues({ ...cues, relativeEnergyDb }, { relativeEnergy: true, speakingRate: false, pauses: false }, tauDb);
    expect(energy(-4)).toEqual(["The user's voice has become quieter than earlier in the conversation (-4 dB)."]);
    expect(energy(7)).toEqual(["The user's voice has become much louder than earlier in the conversation (+7 dB)."]);
    expect(energy(3.2)).toEqual(["The user's voice has become louder than earlier in the conversation (+3 dB)."]);
    expect(energy(-2.9)).toEqual([]);
    expect(energy(-4, 5)).toEqual([]);
    expect(energy(null)).toEqual([]);
  });

  it('words the rate only when slow or fast and the turn has at least 7 words', () => {
    const rate = (wordsPerSecond: number, wordCount = 8): string[] =>
      describeCues({ ...cues, wordsPerSecond, wordCount }, { relativeEnergy: false, speakingRate: true, pauses: false });
    expect(rate(3.9)).toEqual(['They are speaking fast (3.9 words per second).']);
    expect(rate(2.6)).toEqual([]);
    expect(rate(1.2, 6)).toEqual([]);
  });

  it('words a single short pause and shorter pauses', () => {
    const pauses = (pauseCount: number, longestPauseMs: number): string[] =>
      describeCues({ ...cues, pauseCount, longestPauseMs }, { relativeEnergy: false, speakingRate: false, pauses: true });
    expect(pauses(1, 600)).toEqual(['They paused once while speaking (0.6 s).']);
    expect(pauses(1, 1500)).toEqual(['They made a long pause while speaking (1.5 s).']);
    expect(pauses(3, 800)).toEqual(['They paused while speaking (three pauses, up to 0.8 s).']);
    expect(pauses(0, 0)).toEqual([]);
  });
});
