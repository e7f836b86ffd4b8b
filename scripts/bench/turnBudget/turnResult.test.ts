import { describe, expect, it } from 'vitest';
import { llmInnerTimings, turnStages } from './turnResult';
import { matchTurns } from './listenTimed';
import { voicedBounds } from './turnAudio';

describe('turnStages', () => {
  it('splits end of speech -> playback into the budget stages, summing to the total', () => {
    const { totalMs, stagesMs } = turnStages(
      { speechEndAtMs: 100, handedAtMs: 700, transcribedAtMs: 1000, firstTextAtMs: 1600, firstClauseAtMs: 1900, firstAudioAtMs: 2300, playbackAtMs: 2350 },
      { asrEncoderMs: 200, asrDecodingMs: 80, promptBuildMs: 20, prefillMs: 500, ttsTextMs: 30, ttsModelMs: 320 },
    );
    expect(totalMs).toBe(2250);
    expect(stagesMs).toEqual({
      endOfTurnWait: 600, asrEncoder: 200, asrDecoding: 80, asrOther: 20, speechEncoder: 0, promptBuild: 20, prefill: 500, firstToken: 80, firstClause: 300, ttsText: 30, ttsModel: 320, ttsWait: 50, playbackStart: 50,
    });
  });
});

describe('llmInnerTimings', () => {
  it('takes the prefill as the time to the first token less the prompt build, on both paths', () => {
    expect(llmInnerTimings({ promptBuild: 5, prompt: 300, firstToken: 305, total: 900 })).toEqual({ promptBuildMs: 5, prefillMs: 300, speechEncoderMs: 0 });
    // The speech path: embedding and cross-attention build the prompt; the front, Whisper and adapter encode the speech.
    expect(llmInnerTimings({ promptBuild: 4, embed: 6, crossAttention: 10, firstToken: 420, speechFront: 30, speechWhisper: 200, speechAdapter: 20 })).toEqual({
      promptBuildMs: 20,
      prefillMs: 400,
      speechEncoderMs: 250,
    });
  });
});

describe('matchTurns', () => {
  it('gives each spoken turn the last heard turn that overlaps it, or -1', () => {
    const spoken = [{ voicedStartMs: 1000, voicedEndMs: 3000 }, { voicedStartMs: 8000, voicedEndMs: 11000 }, { voicedStartMs: 15000, voicedEndMs: 17000 }];
    // The second sentence was heard in two parts (a pause in it); the third not at all.
    const heard = [{ startMs: 980, endMs: 3020 }, { startMs: 7990, endMs: 9000 }, { startMs: 9600, endMs: 11010 }];
    expect(matchTurns(spoken, heard)).toEqual([0, 2, -1]);
  });
});

describe('voicedBounds', () => {
  it('finds the first and last sample at or above -60 dBFS', () => {
    const samples = new Float32Array([0, 0.0005, 0.002, 0.3, -0.2, 0.0011, 0.0009, 0]);
    expect(voicedBounds(samples)).toEqual({ first: 2, last: 5 });
    expect(voicedBounds(new Float32Array(4))).toBeNull();
  });
});
