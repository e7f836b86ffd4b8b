import { describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENTER_CONFIG, Segmenter, resolveSegmenterConfig, type SegmenterConfig, type SegmenterEvent } from './segmenter';

/** A chunk is 512 samples (32 ms); all expected values below are hand-computed in samples. */
const CHUNK = 512;

type Timed = SegmenterEvent & { chunk: number };

/** Feeds the probabilities one per chunk; tags each event with the index of the chunk that produced it. */
function runAll(probabilities: readonly number[], config: Partial<SegmenterConfig> = {}, segmenter = new Segmenter(config)): Timed[] {
  const events: Timed[] = [];
  probabilities.forEach((p, chunk) => {
    for (const event of segmenter.push(p)) events.push({ ...event, chunk });
  });
  return events;
}

/** The turn boundaries only: pauses and resumptions (tested on their own below) left out. */
function run(probabilities: readonly number[], config: Partial<SegmenterConfig> = {}, segmenter = new Segmenter(config)): Timed[] {
  return runAll(probabilities, config, segmenter).filter((event) => event.type !== 'pause' && event.type !== 'resume');
}

const repeat = (p: number, chunks: number): number[] => new Array<number>(chunks).fill(p);

describe('Segmenter', () => {
  it('reports a pause after 200 ms of silence (7 chunks: 3584 >= 3200 samples) with the span the turn will have if it ends', () => {
    const events = runAll([...repeat(0, 10), ...repeat(0.9, 20), ...repeat(0, 20)]);
    expect(events.map(({ type, chunk }) => [type, chunk])).toEqual([['speechStart', 10], ['pause', 30 + 6], ['turnEnd', 45]]);
    const pause = events[1]!;
    const turnEnd = events[2]!;
    expect(pause).toEqual({ type: 'pause', onsetSample: 5120, offsetSample: 15360, paddedStartSample: 1920, chunk: 36 });
    expect(turnEnd).toMatchObject({ onsetSample: pause.type === 'pause' && pause.onsetSample, offsetSample: 15360, paddedStartSample: 1920 });
  });

  it('reports speech after a pause as a resumption, pauses again once per silence, and ends the turn at the last speech', () => {
    // Speech 0..9, 8 silent chunks (pause at chunk 16), speech 18..27, silence: pause at 34, end at 43.
    const events = runAll([...repeat(0.9, 10), ...repeat(0, 8), ...repeat(0.9, 10), ...repeat(0, 20)]);
    expect(events.map(({ type, chunk }) => [type, chunk])).toEqual([['speechStart', 0], ['pause', 16], ['resume', 18], ['pause', 34], ['turnEnd', 43]]);
    expect(events[2]).toMatchObject({ atSample: 18 * CHUNK });
    expect(events[3]).toMatchObject({ offsetSample: 28 * CHUNK });
    expect(events[4]).toMatchObject({ offsetSample: 28 * CHUNK });
  });

  it('reports no pause for speech that would misfire, nor with pauseSilenceMs >= endSilenceMs', () => {
    expect(runAll([...repeat(0.9, 7), ...repeat(0, 20)]).map((e) => e.type)).toEqual(['speechStart', 'misfire']);
    expect(runAll([...repeat(0.9, 20), ...repeat(0, 20)], { pauseSilenceMs: 500 }).map((e) => e.type)).toEqual(['speechStart', 'turnEnd']);
    expect(runAll([...repeat(0.9, 20), ...repeat(0, 20)], { pauseSilenceMs: Infinity }).map((e) => e.type)).toEqual(['speechStart', 'turnEnd']);
  });

  it('finds one turn: onset at the first speech chunk, offset at the end of the last, closed after 500 ms of silence', () => {
    // Speech in chunks 10..29: onset 10*512, offset 30*512; the 16th silent chunk (index 45) brings silence to 16*512 = 8192 >= 8000.
    const events = run([...repeat(0, 10), ...repeat(0.9, 20), ...repeat(0, 20)]);
    expect(events).toEqual([
      { type: 'speechStart', onsetSample: 5120, paddedStartSample: 5120 - 3200, continued: false, chunk: 10 },
      { type: 'turnEnd', onsetSample: 5120, offsetSample: 15360, paddedStartSample: 1920, reason: 'silence', chunk: 45 },
    ]);
  });

  it('applies hysteresis: 0.4 never starts speech, but sustains speech once started; thresholds are inclusive', () => {
    expect(run(repeat(0.4, 30))).toEqual([]);
    // 0.5 (= onset) starts, 0.35 (= offset) sustains, 0.34 is silence: speech chunks 2..11.
    const events = run([0, 0, 0.5, ...repeat(0.4, 8), 0.35, ...repeat(0.34, 20)]);
    expect(events.map(({ type, chunk }) => [type, chunk])).toEqual([['speechStart', 2], ['turnEnd', 12 + 15]]);
    expect(events[1]).toMatchObject({ onsetSample: 2 * CHUNK, offsetSample: 12 * CHUNK });
  });

  it('reports speech shorter than 250 ms as a misfire: 7 chunks (3584 samples) misfire, 8 chunks (4096) make a turn', () => {
    const misfire = run([...repeat(0.9, 7), ...repeat(0, 20)]);
    expect(misfire).toEqual([
      { type: 'speechStart', onsetSample: 0, paddedStartSample: 0, continued: false, chunk: 0 },
      { type: 'misfire', onsetSample: 0, offsetSample: 7 * CHUNK, chunk: 7 + 15 },
    ]);
    const turn = run([...repeat(0.9, 8), ...repeat(0, 20)]);
    expect(turn[1]).toMatchObject({ type: 'turnEnd', offsetSample: 8 * CHUNK, chunk: 8 + 15 });
  });

  it('bridges a pause of 15 silent chunks (480 ms) but splits at 16 (512 ms >= 500 ms)', () => {
    const bridged = run([...repeat(0.9, 10), ...repeat(0, 15), ...repeat(0.9, 10), ...repeat(0, 20)]);
    expect(bridged.filter((e) => e.type === 'turnEnd')).toEqual([
      { type: 'turnEnd', onsetSample: 0, offsetSample: 35 * CHUNK, paddedStartSample: 0, reason: 'silence', chunk: 35 + 15 },
    ]);
    const split = run([...repeat(0.9, 10), ...repeat(0, 16), ...repeat(0.9, 10), ...repeat(0, 20)]);
    expect(split.filter((e) => e.type === 'turnEnd').map((e) => [e.chunk, e.type === 'turnEnd' && e.offsetSample])).toEqual([
      [25, 10 * CHUNK],
      [36 + 15, 36 * CHUNK],
    ]);
  });

  it('pads 200 ms (3200 samples) before the onset, but never before the stream start or the previous turn', () => {
    const fromStreamStart = run([0, 0, ...repeat(0.9, 10), ...repeat(0, 20)]);
    expect(fromStreamStart[0]).toMatchObject({ onsetSample: 1024, paddedStartSample: 0 });
    // 100 ms end silence = 1600 samples = 4 chunks: turn 1 is speech 0..9, turn 2 starts at chunk 14, 2048 samples after turn 1.
    const close = run([...repeat(0.9, 10), ...repeat(0, 4), ...repeat(0.9, 10), ...repeat(0, 10)], { endSilenceMs: 100 });
    expect(close.filter((e) => e.type === 'turnEnd')).toEqual([
      { type: 'turnEnd', onsetSample: 0, offsetSample: 5120, paddedStartSample: 0, reason: 'silence', chunk: 13 },
      { type: 'turnEnd', onsetSample: 7168, offsetSample: 12288, paddedStartSample: 5120, reason: 'silence', chunk: 27 },
    ]);
    const unpadded = run([...repeat(0, 10), ...repeat(0.9, 10), ...repeat(0, 20)], { preSpeechPadMs: 0 });
    expect(unpadded[0]).toMatchObject({ onsetSample: 5120, paddedStartSample: 5120 });
  });

  it('splits two minutes of speech into turns whose padded span stays <= 30 s (480000 samples)', () => {
    // 10 silent chunks, 3750 speech chunks (120 s), 20 silent. Turn 1 is padded from 1920, so the chunk ending at
    // 942*512 = 482304 (> 1920 + 480000) does not fit: offset 941*512 = 481792, and the speech goes on in turn 2 from there.
    const events = run([...repeat(0, 10), ...repeat(0.9, 3750), ...repeat(0, 20)]);
    const turns = events.filter((e) => e.type === 'turnEnd');
    expect(turns.map((e) => [e.paddedStartSample, e.onsetSample, e.offsetSample, e.reason])).toEqual([
      [1920, 5120, 481792, 'maxLength'],
      [481792, 481792, 961536, 'maxLength'],
      [961536, 961536, 1441280, 'maxLength'],
      [1441280, 1441280, 1921024, 'maxLength'],
      [1921024, 1921024, 3760 * CHUNK, 'silence'],
    ]);
    for (const turn of turns) expect(turn.offsetSample - turn.paddedStartSample).toBeLessThanOrEqual(480_000);
    const starts = events.filter((e) => e.type === 'speechStart');
    expect(starts.map((e) => e.continued)).toEqual([false, true, true, true, true]);
    expect(events.filter((e) => e.type === 'misfire')).toEqual([]);
  });

  it('keeps a short tail after a split as a turn: it is the end of confirmed speech, not a misfire', () => {
    // maxTurnMs 1024 ms = 32 chunks, no padding: speech chunks 0..32 give a 32-chunk turn and a 1-chunk tail.
    const events = run([...repeat(0.9, 33), ...repeat(0, 20)], { maxTurnMs: 1024, preSpeechPadMs: 0 });
    expect(events.filter((e) => e.type !== 'speechStart').map((e) => e.type === 'turnEnd' && [e.onsetSample, e.offsetSample, e.reason])).toEqual([
      [0, 32 * CHUNK, 'maxLength'],
      [32 * CHUNK, 33 * CHUNK, 'silence'],
    ]);
  });

  it('flush() closes an open turn at its last speech chunk with reason endOfStream', () => {
    const segmenter = new Segmenter();
    run([...repeat(0.9, 10), ...repeat(0, 5)], {}, segmenter);
    expect(segmenter.flush()).toEqual([{ type: 'turnEnd', onsetSample: 0, offsetSample: 5120, paddedStartSample: 0, reason: 'endOfStream' }]);
    expect(segmenter.isSpeaking).toBe(false);
    expect(segmenter.flush()).toEqual([]);
    const short = new Segmenter();
    run(repeat(0.9, 3), {}, short);
    expect(short.flush()).toEqual([{ type: 'misfire', onsetSample: 0, offsetSample: 1536 }]);
  });

  it('inputLost() closes an open turn with reason inputLost, or drops it as a misfire when too short', () => {
    const segmenter = new Segmenter();
    run([0, ...repeat(0.9, 9)], {}, segmenter);
    expect(segmenter.inputLost()).toEqual([{ type: 'turnEnd', onsetSample: 512, offsetSample: 5120, paddedStartSample: 0, reason: 'inputLost' }]);
    expect(segmenter.inputLost()).toEqual([]);
    const short = new Segmenter();
    run([0.9], {}, short);
    expect(short.inputLost()).toEqual([{ type: 'misfire', onsetSample: 0, offsetSample: 512 }]);
  });

  it('reset(firstChunkSample) starts a new stream at that sample and forgets the open turn', () => {
    const segmenter = new Segmenter();
    run(repeat(0.9, 10), {}, segmenter);
    segmenter.reset(100_000);
    expect(segmenter.isSpeaking).toBe(false);
    const events = run([0.9, ...repeat(0.9, 9), ...repeat(0, 16)], {}, segmenter);
    expect(events[0]).toMatchObject({ type: 'speechStart', onsetSample: 100_000, paddedStartSample: 100_000 });
    expect(events[1]).toMatchObject({ type: 'turnEnd', onsetSample: 100_000, offsetSample: 100_000 + 5120 });
  });

  it('validates its config', () => {
    expect(resolveSegmenterConfig()).toEqual(DEFAULT_SEGMENTER_CONFIG);
    expect(() => new Segmenter({ offsetThreshold: 0.6 })).toThrow(/offsetThreshold/);
    expect(() => new Segmenter({ onsetThreshold: 1.5 })).toThrow(/onsetThreshold/);
    expect(() => new Segmenter({ endSilenceMs: 0 })).toThrow(/endSilenceMs/);
    expect(() => new Segmenter({ minSpeechMs: -1 })).toThrow(/minSpeechMs/);
    expect(() => new Segmenter({ preSpeechPadMs: Number.NaN })).toThrow(/preSpeechPadMs/);
    expect(() => new Segmenter({ maxTurnMs: 300 })).toThrow(/maxTurnMs/);
  });
});

describe('Segmenter.moveOnset', () => {
  /** 5 silent chunks, 20 speech chunks (onset at sample 5 * 512), then silence until the turn closes. */
  function turnWithMove(moveTo: (segmenter: Segmenter) => void): SegmenterEvent[] {
    const segmenter = new Segmenter();
    const events: SegmenterEvent[] = [];
    for (let i = 0; i < 5; i++) events.push(...segmenter.push(0.05));
    for (let i = 0; i < 20; i++) events.push(...segmenter.push(0.9));
    moveTo(segmenter);
    for (let i = 0; i < 20; i++) events.push(...segmenter.push(0.05));
    return events;
  }
  const turnEnd = (events: SegmenterEvent[]) => events.find((event) => event.type === 'turnEnd');

  it('starts the turn and its 200 ms (3200-sample) padding at the moved onset', () => {
    const moved = 12 * 512 + 100;
    expect(turnEnd(turnWithMove((s) => s.moveOnset(moved)))).toMatchObject({ onsetSample: moved, paddedStartSample: moved - 3200, offsetSample: 25 * 512 });
  });

  it('ignores an onset before the current one or at or past the last speech (padding stays floored at the stream start)', () => {
    for (const sample of [4 * 512, 25 * 512, 30 * 512]) {
      expect(turnEnd(turnWithMove((s) => s.moveOnset(sample)))).toMatchObject({ onsetSample: 5 * 512, paddedStartSample: 0 });
    }
  });

  it('ignores a move while no turn is open', () => {
    const segmenter = new Segmenter();
    segmenter.moveOnset(1000);
    const events = [...segmenter.push(0.9), ...Array.from({ length: 10 }, () => segmenter.push(0.9)).flat()];
    expect(events[0]).toMatchObject({ type: 'speechStart', onsetSample: 0 });
  });
});
