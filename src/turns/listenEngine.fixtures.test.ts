import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RENDER_QUANTUM_SAMPLES } from '../audio/dsp/constants';
import type { FeatureBatch } from '../audio/featureBatch';
import { FeaturePipeline } from '../audio/featurePipeline';
import { readWav } from '../audio/wav/readWav';
import { strategyFor } from '../conversation/strategy';
import { SileroVad } from '../models/vad/sileroVad';
import { ListenEngine } from './listenEngine';
import type { Turn } from './turn';

/** The browser's path in Node: WAV -> FeaturePipeline in 128-sample blocks -> ListenEngine with Silero on wasm. */
async function turnsOf(vad: SileroVad, wavPath: string): Promise<Turn[]> {
  const wav = readWav(new Uint8Array(readFileSync(wavPath)));
  const batches: FeatureBatch[] = [];
  const pipeline = new FeaturePipeline({
    inputRateHz: wav.sampleRateHz,
    // The batch arrays are views reused after the callback: copy them.
    onBatch: (b) => batches.push({ ...b, pcm16k: b.pcm16k.slice(), logMel: b.logMel.slice(), energy: b.energy.slice() }),
  });
  for (let start = 0; start < wav.samples.length; start += RENDER_QUANTUM_SAMPLES) {
    pipeline.push(wav.samples.subarray(start, start + RENDER_QUANTUM_SAMPLES));
  }
  pipeline.flush();
  const engine = new ListenEngine({ vad, nMels: 80 });
  const turns: Turn[] = [];
  for (const batch of batches) {
    for (const event of await engine.push(batch)) if (event.type === 'turn') turns.push(event.turn);
  }
  for (const event of await engine.flush()) if (event.type === 'turn') turns.push(event.turn);
  return turns;
}

/**
 * Independent reference for where speech is: the fixtures' gaps are digital silence (sox), so the speech spans
 * are the runs of |x| > 1e-3 (pauses inside a sentence, < 300 ms, are bridged), in ms.
 */
function signalSpansMs(wavPath: string): Array<[number, number]> {
  const { samples, sampleRateHz } = readWav(new Uint8Array(readFileSync(wavPath)));
  const bridgeSamples = 0.3 * sampleRateHz;
  const spans: Array<[number, number]> = [];
  let start = -1;
  let last = -1;
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i]!) <= 1e-3) continue;
    if (start < 0) start = i;
    else if (i - last > bridgeSamples) {
      spans.push([start, last + 1]);
      start = i;
    }
    last = i;
  }
  if (start >= 0) spans.push([start, last + 1]);
  return spans.map(([from, to]) => [(from * 1000) / sampleRateHz, (to * 1000) / sampleRateHz]);
}

/** Invariants every turn must satisfy, whatever the audio. */
function expectConsistent(turn: Turn): void {
  const firstFrame = Math.ceil(turn.paddedStartMs / 10);
  expect(turn.pcm16k.length).toBe(Math.round((turn.paddedEndMs - turn.paddedStartMs) * 16));
  // Frames are those centred inside the padded span: one per 160 samples, +-1 for the ends.
  expect(turn.frameCount).toBe(Math.ceil(turn.paddedEndMs / 10) - firstFrame);
  expect(Math.abs(turn.frameCount - turn.pcm16k.length / 160)).toBeLessThanOrEqual(1);
  expect(turn.energy.length).toBe(turn.frameCount);
  expect(turn.logMel.length).toBe(turn.nMels * turn.frameCount);
  // The mask is 0 over the padding, 1 from the onset's frame to the end.
  const firstSpeech = Math.ceil(turn.startMs / 10) - firstFrame;
  expect(Array.from(turn.speechFrames).every((f, t) => f === (t >= firstSpeech ? 1 : 0))).toBe(true);
  expect(turn.paddedStartMs).toBeLessThanOrEqual(turn.startMs);
  expect(turn.startMs - turn.paddedStartMs).toBeLessThanOrEqual(200);
  expect(turn.endMs).toBe(turn.paddedEndMs);
  expect(turn.paddedEndMs - turn.paddedStartMs).toBeLessThanOrEqual(30_000);
  // Whisper's normalisation: (max(x, max - 8) + 4) / 4, so the range spans exactly 2 at most; full-scale speech peaks below 2.
  let min = Infinity;
  let max = -Infinity;
  for (const x of turn.logMel) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  expect(max - min).toBeLessThanOrEqual(2 + 1e-6);
  expect(min).toBeGreaterThanOrEqual(-1.5);
  expect(max).toBeLessThanOrEqual(2);
  expect(turn.energyDb).toBeCloseTo(10 * Math.log10(turn.energyMean), 9);
}

describe('ListenEngine on recorded fixtures (FeaturePipeline + Silero VAD)', () => {
  let vad: SileroVad;
  beforeAll(async () => {
    vad = await SileroVad.create(new Uint8Array(readFileSync('public/models/vad/silero_vad_v5.onnx')));
  });

  it('dialogue-falling: three turns where the signal is, each ~6 dB quieter than the last -> comfort', async () => {
    const path = 'fixtures/dialogue-falling-48k.wav';
    const turns = await turnsOf(vad, path);
    const spans = signalSpansMs(path);
    expect(spans).toHaveLength(3);
    expect(turns.map((t) => [t.index, t.endReason])).toEqual([[0, 'silence'], [1, 'silence'], [2, 'silence']]);
    turns.forEach((turn, k) => {
      expectConsistent(turn);
      const [from, to] = spans[k]!;
      // Onset within 2 chunks (64 ms) of the signal; offset up to 150 ms late (the VAD's hang-over), 64 ms early.
      expect(Math.abs(turn.startMs - from)).toBeLessThanOrEqual(64);
      expect(turn.endMs - to).toBeGreaterThanOrEqual(-64);
      expect(turn.endMs - to).toBeLessThanOrEqual(150);
    });
    // The sox gains differ by 6.02 dB; different sentences add content differences: 1 dB tolerance.
    const energiesDb = turns.map((t) => t.energyDb);
    expect(energiesDb[0]! - energiesDb[1]!).toBeGreaterThan(5);
    expect(energiesDb[0]! - energiesDb[1]!).toBeLessThan(7);
    expect(energiesDb[1]! - energiesDb[2]!).toBeGreaterThan(5);
    expect(energiesDb[1]! - energiesDb[2]!).toBeLessThan(7);
    const { strategy, deltaDb } = strategyFor(energiesDb);
    expect(strategy).toBe('comfort');
    expect(deltaDb).toBeLessThan(-3);
  });

  it('energy follows the gain exactly: the same sentences at other gains (dialogue-rising) differ by the sox gain', async () => {
    // falling: a 0 dB, b -6, c -12; rising: c -12, b -12, a 0. Same sentence, gain difference g -> energyDb difference g.
    const [fa, fb, fc] = (await turnsOf(vad, 'fixtures/dialogue-falling-48k.wav')).map((t) => t.energyDb);
    const rising = await turnsOf(vad, 'fixtures/dialogue-rising-48k.wav');
    rising.forEach(expectConsistent);
    const [rc, rb, ra] = rising.map((t) => t.energyDb);
    const sixDb = 20 * Math.log10(2);
    // 0.3 dB: the turn boundaries (and so the speech frames averaged) move by a chunk or two with the level.
    expect(Math.abs(ra! - fa!)).toBeLessThan(0.3);
    expect(Math.abs(fb! - rb! - sixDb)).toBeLessThan(0.3);
    expect(Math.abs(fc! - rc!)).toBeLessThan(0.3);
    expect(strategyFor([rc!, rb!, ra!]).strategy).toBe('encourage');
  });

  it('monologue: two minutes without a pause become turns of <= 30 s that tile the speech', async () => {
    const path = 'fixtures/monologue-16k.wav';
    const turns = await turnsOf(vad, path);
    const [[from, to] = [0, 0]] = signalSpansMs(path);
    expect(turns.length).toBe(5);
    turns.forEach(expectConsistent);
    expect(turns.slice(0, -1).every((t) => t.endReason === 'maxLength')).toBe(true);
    for (let k = 1; k < turns.length; k++) expect(turns[k]!.paddedStartMs).toBe(turns[k - 1]!.endMs);
    expect(Math.abs(turns[0]!.startMs - from)).toBeLessThanOrEqual(64);
    expect(turns.at(-1)!.endMs - to).toBeLessThanOrEqual(150);
    // One speaker at one level: turn energies agree within 1 dB.
    const energiesDb = turns.slice(0, -1).map((t) => t.energyDb);
    expect(Math.max(...energiesDb) - Math.min(...energiesDb)).toBeLessThan(1);
  });
});
