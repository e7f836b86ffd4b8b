import { describe, expect, it } from 'vitest';
import type { FeatureBatch } from '../audio/featureBatch';
import type { VoiceActivityDetector } from '../models/vad/vadContract';
import { ListenEngine, type ListenEvent } from './listenEngine';
import type { Turn } from './turn';

/**
 * A synthetic stream with hand-computable answers: 16 kHz PCM that is 0 outside [speechFrom, speechTo) and 0.5
 * inside; a fake VAD that says 0.9 for a chunk holding any non-zero sample; frames as a causal pipeline would
 * deliver them (frame i once sample i*160 + 199 has arrived), with energy e_i = 1 + i and log-mel -10 in silence,
 * -1 - 0.01 m (bin m) in speech.
 */
const N_MELS = 4;

class ThresholdVad implements VoiceActivityDetector {
  resets = 0;
  async probability(chunk: Float32Array): Promise<number> {
    return chunk.some((x) => x !== 0) ? 0.9 : 0;
  }
  reset(): void {
    this.resets++;
  }
}

interface Stream {
  pcm: Float32Array;
  speech: ReadonlyArray<readonly [number, number]>;
}

function makeStream(totalSamples: number, speech: ReadonlyArray<readonly [number, number]>): Stream {
  const pcm = new Float32Array(totalSamples);
  for (const [from, to] of speech) pcm.fill(0.5, from, to);
  return { pcm, speech };
}

function frameLogMel(stream: Stream, frame: number, bin: number): number {
  const centre = frame * 160;
  return stream.speech.some(([from, to]) => centre >= from && centre < to) ? -1 - 0.01 * bin : -10;
}

/** Cuts the stream into batches of `batchSamples`; the last batch carries the frames of the stream's tail (a producer's flush). */
function batches(stream: Stream, batchSamples: number): FeatureBatch[] {
  const totalFrames = Math.floor(stream.pcm.length / 160) + 1;
  const result: FeatureBatch[] = [];
  let frame = 0;
  for (let from = 0; from < stream.pcm.length; from += batchSamples) {
    const to = Math.min(from + batchSamples, stream.pcm.length);
    const frameEnd = to === stream.pcm.length ? totalFrames : Math.floor((to - 200) / 160) + 1;
    const count = Math.max(0, frameEnd - frame);
    const logMel = new Float32Array(count * N_MELS);
    const energy = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      energy[i] = 1 + frame + i;
      for (let m = 0; m < N_MELS; m++) logMel[i * N_MELS + m] = frameLogMel(stream, frame + i, m);
    }
    result.push({ pcm16k: stream.pcm.slice(from, to), firstSample: from, logMel, energy, firstFrame: frame, nMels: N_MELS });
    frame += count;
  }
  return result;
}

async function listen(engine: ListenEngine, input: FeatureBatch[]): Promise<ListenEvent[]> {
  const events: ListenEvent[] = [];
  for (const batch of input) events.push(...(await engine.push(batch)));
  return events;
}

const turnsOf = (events: ListenEvent[]): Turn[] => events.flatMap((e) => (e.type === 'turn' ? [e.turn] : []));

describe('ListenEngine (synthetic stream, fake VAD)', () => {
  // Speech [16000, 32000): chunk 31 = [15872, 16384) is the first with signal, chunk 62 = [31744, 32256) the last.
  // Onset 15872, offset 32256, padded start 15872 - 3200 = 12672. Frames: first ceil(12672/160) = 80,
  // end ceil(32256/160) = 202 -> 122 frames; speech frames from ceil(15872/160) = 100 -> 102 of them.
  const stream = makeStream(48_000, [[16_000, 32_000]]);

  it('cuts one turn with hand-computed bounds, PCM, frames, mask and energy', async () => {
    const events = await listen(new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS }), batches(stream, 2048));
    expect(events.filter((e) => e.type !== 'vad')).toEqual([
      { type: 'speechStart', onsetMs: 992, continued: false },
      { type: 'tentativeTurn', turn: expect.anything() },
      { type: 'turn', turn: expect.anything() },
    ]);
    const [turn] = turnsOf(events);
    if (turn === undefined) throw new Error('no turn');
    expect(turn).toMatchObject({ index: 0, startMs: 992, endMs: 2016, paddedStartMs: 792, paddedEndMs: 2016, nMels: N_MELS, frameCount: 122, endReason: 'silence', decidedAtMs: 2528 });
    expect(turn.pcm16k).toEqual(stream.pcm.slice(12_672, 32_256));
    expect(Array.from(turn.energy)).toEqual(Array.from({ length: 122 }, (_, t) => 81 + t));
    expect(Array.from(turn.speechFrames)).toEqual([...new Array<number>(20).fill(0), ...new Array<number>(102).fill(1)]);
    // mean of e_i = 1 + i over frames 100..201 = 1 + 150.5
    expect(turn.energyMean).toBeCloseTo(151.5, 4);
    expect(turn.energyDb).toBeCloseTo(10 * Math.log10(151.5), 6);
    // Whisper normalisation: max -1, floor -9: silence -10 -> (-9 + 4) / 4 = -1.25; speech bin m -> (3 - 0.01 m) / 4; layout [mel x frame].
    expect(turn.logMel.length).toBe(N_MELS * 122);
    for (let m = 0; m < N_MELS; m++) {
      // frame 80 + t is speech from centre 16000 (frame 100) up to centre 31999 (frame 199); frames 200, 201 are silence
      expect(turn.logMel[m * 122 + 19]).toBeCloseTo(-1.25, 6);
      expect(turn.logMel[m * 122 + 20]).toBeCloseTo((3 - 0.01 * m) / 4, 6);
      expect(turn.logMel[m * 122 + 119]).toBeCloseTo((3 - 0.01 * m) / 4, 6);
      expect(turn.logMel[m * 122 + 120]).toBeCloseTo(-1.25, 6);
    }
    expect(events.filter((e) => e.type === 'vad')).toHaveLength(Math.floor(48_000 / 512));
  });

  it('reports the turn tentatively after a 200 ms pause, equal to the turn that ends 300 ms later', async () => {
    const events = await listen(new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS }), batches(stream, 2048));
    const vadAtMs = (type: ListenEvent['type']): number => {
      const at = events.findIndex((e) => e.type === type);
      const before = events.slice(0, at).filter((e) => e.type === 'vad');
      return before.at(-1)!.type === 'vad' ? (before.at(-1) as { atMs: number }).atMs : NaN;
    };
    // Offset 32256 = 2016 ms: the pause chunk ends at 2016 + 7 * 32 = 2240 ms, the turn's at 2016 + 16 * 32 = 2528 ms.
    expect(vadAtMs('tentativeTurn')).toBe(2240);
    expect(vadAtMs('turn')).toBe(2528);
    const tentative = events.flatMap((e) => (e.type === 'tentativeTurn' ? [e.turn] : []));
    // The same turn, decided when each was: the stream position of the chunk that closed it.
    expect(tentative.map((turn) => turn.decidedAtMs)).toEqual([2240]);
    expect(turnsOf(events).map((turn) => turn.decidedAtMs)).toEqual([2528]);
    expect(tentative.map((turn) => ({ ...turn, decidedAtMs: 0 }))).toEqual(turnsOf(events).map((turn) => ({ ...turn, decidedAtMs: 0 })));
  });

  it('reports speechResumed when speech comes back after a tentative turn, and the next tentative turn spans both', async () => {
    // Speech [16000, 32000) and, after 320 ms of silence, [37120, 44000): one turn.
    const twoPhrases = makeStream(64_000, [[16_000, 32_000], [37_120, 44_000]]);
    const events = await listen(new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS }), batches(twoPhrases, 2048));
    expect(events.filter((e) => e.type !== 'vad').map((e) => e.type)).toEqual(['speechStart', 'tentativeTurn', 'speechResumed', 'tentativeTurn', 'turn']);
    const [first, second] = events.flatMap((e) => (e.type === 'tentativeTurn' ? [e.turn] : []));
    expect(first).toMatchObject({ index: 0, startMs: 992, endMs: 2016 });
    expect(events.find((e) => e.type === 'speechResumed')).toEqual({ type: 'speechResumed', atMs: (72 * 512) / 16 });
    const [turn] = turnsOf(events);
    expect({ ...second, decidedAtMs: 0 }).toEqual({ ...turn, decidedAtMs: 0 });
    // Offset 2752 ms; the pause is decided 7 chunks later, the turn 16 chunks later.
    expect([second!.decidedAtMs, turn!.decidedAtMs]).toEqual([2752 + 7 * 32, 2752 + 16 * 32]);
    expect(turn).toMatchObject({ index: 0, startMs: 992, endMs: (86 * 512) / 16 });
  });

  it('gives the same events for any batch size, from one sample-block to the whole stream at once', async () => {
    const reference = await listen(new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS }), batches(stream, 2048));
    for (const size of [128, 500, 16_000, 48_000]) {
      const events = await listen(new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS }), batches(stream, size));
      expect(events).toEqual(reference);
    }
  });

  it('copies batches before push() first yields: the producer may overwrite them right after the call', async () => {
    const engine = new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS });
    const events: ListenEvent[] = [];
    for (const batch of batches(stream, 8192)) {
      const pending = engine.push(batch);
      batch.pcm16k.fill(7);
      batch.logMel.fill(7);
      batch.energy.fill(7);
      events.push(...(await pending));
    }
    const [turn] = turnsOf(events);
    expect(turn?.pcm16k).toEqual(stream.pcm.slice(12_672, 32_256));
    expect(turn?.energyMean).toBeCloseTo(151.5, 4);
  });

  it('refuses overlapping calls instead of corrupting its state', async () => {
    const engine = new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS });
    const [first, second] = batches(stream, 4096);
    if (first === undefined || second === undefined) throw new Error('too few batches');
    const pending = engine.push(first);
    await expect(engine.push(second)).rejects.toThrow(/still running/);
    expect(() => engine.inputLost()).toThrow(/still running/);
    await pending;
    await expect(engine.push(second)).resolves.toBeInstanceOf(Array);
  });

  it('flush() closes a turn that is still open with reason endOfStream and starts a new stream afterwards', async () => {
    const vad = new ThresholdVad();
    const engine = new ListenEngine({ vad, nMels: N_MELS });
    // Speech runs to the end of a 2 s stream: 62 full chunks (the last 256 samples are a partial chunk and dropped).
    const open = makeStream(32_000, [[16_000, 32_000]]);
    expect(turnsOf(await listen(engine, batches(open, 4000)))).toEqual([]);
    const [turn] = turnsOf(await engine.flush());
    expect(turn).toMatchObject({ index: 0, startMs: 992, endMs: 62 * 32, endReason: 'endOfStream' });
    expect(turn?.speechFrames.every((f, t) => f === (t >= 20 ? 1 : 0))).toBe(true);
    expect(await engine.flush()).toEqual([]);
    // A new stream may restart its numbering; turn indices continue across streams of one dialogue.
    const again = turnsOf(await listen(engine, batches(stream, 4000)));
    expect(again.map((t) => [t.index, t.startMs])).toEqual([[1, 992]]);
    expect(vad.resets).toBeGreaterThanOrEqual(2);
  });

  it('inputLost() closes the open turn with reason inputLost; reset() restarts the turn count', async () => {
    const engine = new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS });
    // 24000 samples hold 46 full chunks: the last speech chunk ends at 46 * 32 ms.
    await listen(engine, batches(makeStream(24_000, [[16_000, 24_000]]), 4000));
    expect(turnsOf(engine.inputLost())).toMatchObject([{ index: 0, startMs: 992, endMs: 46 * 32, endReason: 'inputLost' }]);
    engine.reset();
    expect(turnsOf(await listen(engine, batches(stream, 4000))).map((t) => t.index)).toEqual([0]);
  });

  it('reports short bursts as misfires and makes no turn of them', async () => {
    // 100 ms of signal at 1 s: chunks 31..34 (4 chunks = 128 ms < 250 ms).
    const events = await listen(new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS }), batches(makeStream(48_000, [[16_000, 17_600]]), 4000));
    expect(events.filter((e) => e.type !== 'vad')).toEqual([
      { type: 'speechStart', onsetMs: 992, continued: false },
      { type: 'misfire', onsetMs: 992, offsetMs: 35 * 32 },
    ]);
  });

  it('keeps memory bounded: two minutes of speech come out as turns of at most 30 s that tile the speech', async () => {
    const long = makeStream(16_000 * 123, [[16_000, 16_000 * 121]]);
    const turns = turnsOf(await listen(new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS }), batches(long, 16_000)));
    expect(turns.map((t) => t.endReason)).toEqual(['maxLength', 'maxLength', 'maxLength', 'maxLength', 'silence']);
    for (const turn of turns) {
      expect(turn.paddedEndMs - turn.paddedStartMs).toBeLessThanOrEqual(30_000);
      expect(turn.pcm16k.length).toBe(Math.round((turn.paddedEndMs - turn.paddedStartMs) * 16));
      expect(turn.pcm16k.every((x) => x === 0.5 || x === 0)).toBe(true);
    }
    for (let k = 1; k < turns.length; k++) expect(turns[k]?.paddedStartMs).toBe(turns[k - 1]?.endMs);
  });

  it('rejects batches that do not continue the stream or carry the wrong mel count', async () => {
    const engine = new ListenEngine({ vad: new ThresholdVad(), nMels: N_MELS });
    const [first, , third] = batches(stream, 4000);
    if (first === undefined || third === undefined) throw new Error('too few batches');
    await engine.push(first);
    await expect(engine.push(third)).rejects.toThrow(/not contiguous/);
    await expect(engine.push({ ...first, nMels: 80 })).rejects.toThrow(/mel bins/);
  });
});
