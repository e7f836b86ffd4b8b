import { describe, expect, it } from 'vitest';
import { splitStages } from './stageSplit';

describe('splitStages', () => {
  it('gives each interval its measured parts and the rest to its own stage', () => {
    const { totalMs, stagesMs } = splitStages(1000, [
      { stage: 'endOfTurnWait', endMs: 1520 },
      { stage: 'asrOther', endMs: 1700, parts: [['asrEncoder', 120], ['asrDecoding', 40]] },
      { stage: 'firstToken', endMs: 2000, parts: [['promptBuild', 10], ['prefill', 250]] },
      { stage: 'ttsFirstChunk', endMs: 2300 },
    ]);
    expect(totalMs).toBe(1300);
    expect(stagesMs).toEqual({ endOfTurnWait: 520, asrEncoder: 120, asrDecoding: 40, asrOther: 20, promptBuild: 10, prefill: 250, firstToken: 40, ttsFirstChunk: 300 });
  });

  it('caps parts that overrun their interval, so the stages still sum to the total', () => {
    const { totalMs, stagesMs } = splitStages(0, [{ stage: 'rest', endMs: 100, parts: [['a', 80], ['b', 50]] }]);
    expect(stagesMs).toEqual({ a: 80, b: 20, rest: 0 });
    expect(Object.values(stagesMs).reduce((s, v) => s + v, 0)).toBe(totalMs);
  });

  it('counts a mark that came before the previous one (speculative work) as zero time, never negative', () => {
    const { totalMs, stagesMs } = splitStages(0, [
      { stage: 'wait', endMs: 500 },
      { stage: 'asr', endMs: 300 },
      { stage: 'tts', endMs: 900 },
    ]);
    expect(stagesMs).toEqual({ wait: 500, asr: 0, tts: 400 });
    expect(totalMs).toBe(900);
  });
});
