import { describe, expect, it } from 'vitest';
import { PlayerCore, SILENCE_LEVEL_DB, type PlayerEvent } from './playerCore';

const RATE_HZ = 24000;
const BLOCK = 128;
const FADE_IN_SAMPLES = (5 / 1000) * RATE_HZ;
const FADE_OUT_SAMPLES = (8 / 1000) * RATE_HZ;

function sine(lengthSamples: number, frequencyHz: number, amplitude: number, phase = 0): Float32Array {
  const out = new Float32Array(lengthSamples);
  for (let i = 0; i < lengthSamples; i++) out[i] = amplitude * Math.sin(phase + (2 * Math.PI * frequencyHz * i) / RATE_HZ);
  return out;
}

/** Renders `blocks` blocks through one reused array, as the worklet does; collects output and events. */
function renderBlocks(core: PlayerCore, blocks: number): { output: Float32Array; events: PlayerEvent[] } {
  const out = new Float32Array(BLOCK);
  const output = new Float32Array(blocks * BLOCK);
  const events: PlayerEvent[] = [];
  for (let b = 0; b < blocks; b++) {
    core.render(out);
    output.set(out, b * BLOCK);
    const event = core.takeEvent();
    if (event) events.push(event);
  }
  return { output, events };
}

function maxJump(signal: Float32Array): number {
  let max = 0;
  for (let i = 1; i < signal.length; i++) max = Math.max(max, Math.abs(signal[i]! - signal[i - 1]!));
  return max;
}

describe('PlayerCore', () => {
  it('plays two chunks as exactly their concatenation after the initial fade-in, then drains', () => {
    const core = new PlayerCore({ outputRateHz: RATE_HZ });
    const first = sine(1000, 440, 0.5);
    const second = sine(777, 300, 0.4, 1);
    expect(core.enqueue(first, 0)).toBe(true);
    expect(core.enqueue(second, 1)).toBe(true);
    const { output, events } = renderBlocks(core, 20);
    const expected = new Float32Array(first.length + second.length);
    expected.set(first);
    expected.set(second, first.length);
    for (let i = 0; i < FADE_IN_SAMPLES; i++) expect(Math.abs(output[i]!)).toBeLessThanOrEqual(Math.abs(expected[i]!) + 1e-7);
    expect(Array.from(output.subarray(FADE_IN_SAMPLES, expected.length))).toEqual(Array.from(expected.subarray(FADE_IN_SAMPLES)));
    expect(output.subarray(expected.length).every((sample) => sample === 0)).toBe(true);
    expect(events).toEqual(['drained']);
    expect(core.bufferedSamples).toBe(0);
  });

  it('outputs silence at -100 dB when nothing is queued', () => {
    const core = new PlayerCore({ outputRateHz: RATE_HZ });
    const { output, events } = renderBlocks(core, 3);
    expect(output.every((sample) => sample === 0)).toBe(true);
    expect(core.levelDb).toBe(SILENCE_LEVEL_DB);
    expect(core.playingChunkId).toBe(-1);
    expect(events).toEqual([]);
  });

  it('reports the playing chunk, its played samples and the level', () => {
    const core = new PlayerCore({ outputRateHz: RATE_HZ });
    core.enqueue(new Float32Array(300).fill(0.5), 7);
    core.enqueue(new Float32Array(200).fill(0.5), 8);
    renderBlocks(core, 1);
    expect([core.playingChunkId, core.playedSamplesOfChunk]).toEqual([7, 128]);
    renderBlocks(core, 2);
    expect([core.playingChunkId, core.playedSamplesOfChunk]).toEqual([8, 84]);
    expect(core.levelDb).toBeCloseTo(20 * Math.log10(0.5), 5);
    const { events } = renderBlocks(core, 1);
    expect(events).toEqual(['drained']);
    expect(core.playingChunkId).toBe(-1);
  });

  it('stops click-free: reaches zero within the fade-out, drops the queue, reports stopped', () => {
    const core = new PlayerCore({ outputRateHz: RATE_HZ });
    const tone = sine(RATE_HZ, 440, 0.8);
    core.enqueue(tone, 0);
    core.enqueue(tone, 1);
    const before = renderBlocks(core, 10).output;
    core.stop();
    const { output: after, events } = renderBlocks(core, 10);
    const firstZero = after.findIndex((_, i) => after.subarray(i).every((sample) => sample === 0));
    expect(firstZero).toBeLessThanOrEqual(FADE_OUT_SAMPLES);
    const joined = new Float32Array(before.length + after.length);
    joined.set(before);
    joined.set(after, before.length);
    // The tone's own largest step is 0.8 * 2 * pi * 440 / 24000 = 0.092; a cut would jump up to 0.8.
    expect(maxJump(joined)).toBeLessThan(0.1);
    expect(events).toEqual(['stopped']);
    expect(core.bufferedSamples).toBe(0);
    expect(core.playingChunkId).toBe(-1);
  });

  it('keeps chunks enqueued during the fade-out and fades them in', () => {
    const core = new PlayerCore({ outputRateHz: RATE_HZ });
    core.enqueue(new Float32Array(5000).fill(0.5), 0);
    renderBlocks(core, 4);
    core.stop();
    core.enqueue(new Float32Array(1000).fill(0.25), 1);
    const { output, events } = renderBlocks(core, 20);
    expect(events).toEqual(['stopped', 'drained']);
    // Up to the chunk's last sample: its own end is not faded (TTS output ends in silence).
    expect(maxJump(output.subarray(0, output.lastIndexOf(0.25) + 1))).toBeLessThan(0.01);
    const fullGainSamples = output.filter((sample) => sample === 0.25).length;
    expect(fullGainSamples).toBeGreaterThanOrEqual(1000 - FADE_IN_SAMPLES);
    expect(fullGainSamples).toBeLessThanOrEqual(1000 - FADE_IN_SAMPLES + 2);
  });

  it('stops at once when nothing is audible', () => {
    const core = new PlayerCore({ outputRateHz: RATE_HZ });
    core.enqueue(new Float32Array(1000).fill(0.5), 0);
    core.stop();
    expect(core.takeEvent()).toBe('stopped');
    expect(core.bufferedSamples).toBe(0);
    expect(renderBlocks(core, 2).output.every((sample) => sample === 0)).toBe(true);
  });

  it('fades in again after an underrun', () => {
    const core = new PlayerCore({ outputRateHz: RATE_HZ });
    core.enqueue(new Float32Array(256).fill(0.5), 0);
    renderBlocks(core, 3);
    core.enqueue(new Float32Array(512).fill(0.5), 1);
    const { output } = renderBlocks(core, 4);
    expect(output[0]).toBeCloseTo(0.5 / FADE_IN_SAMPLES, 6);
    expect(maxJump(output)).toBeLessThan(0.5 / FADE_IN_SAMPLES + 1e-6);
    expect(output[FADE_IN_SAMPLES]).toBe(0.5);
  });

  it('rejects a chunk beyond capacity without corrupting the queue, across the ring wrap', () => {
    const core = new PlayerCore({ outputRateHz: 1000, capacitySeconds: 1, fadeInMs: 0 });
    const ramp = Float32Array.from({ length: 700 }, (_, i) => i / 1000);
    expect(core.enqueue(ramp, 0)).toBe(true);
    expect(core.enqueue(new Float32Array(400), 1)).toBe(false);
    const played = renderBlocks(core, 4).output.subarray(0, 512);
    const wrapped = Float32Array.from({ length: 600 }, (_, i) => -i / 1000);
    expect(core.enqueue(wrapped, 2)).toBe(true);
    const rest = renderBlocks(core, 7).output;
    expect(Array.from(played)).toEqual(Array.from(ramp.subarray(0, 512)));
    expect(Array.from(rest.subarray(0, 188))).toEqual(Array.from(ramp.subarray(512)));
    expect(Array.from(rest.subarray(188, 788))).toEqual(Array.from(wrapped));
  });

  it('rejects chunks beyond the chunk table', () => {
    const core = new PlayerCore({ outputRateHz: RATE_HZ, maxQueuedChunks: 2 });
    expect(core.enqueue(new Float32Array(10), 0)).toBe(true);
    expect(core.enqueue(new Float32Array(10), 1)).toBe(true);
    expect(core.enqueue(new Float32Array(10), 2)).toBe(false);
    expect(core.bufferedSamples).toBe(20);
  });

  it('holds 60 s at 48 kHz by default', () => {
    const core = new PlayerCore({ outputRateHz: 48000 });
    expect(core.enqueue(new Float32Array(60 * 48000), 0)).toBe(true);
    expect(core.enqueue(new Float32Array(1), 1)).toBe(false);
  });
  it('ducks by 15 dB within 10 ms, restores within 10 ms, and a stop resets the duck for the next reply', () => {
    const core = new PlayerCore({ outputRateHz: RATE_HZ });
    const constant = new Float32Array(RATE_HZ).fill(0.5);
    core.enqueue(constant, 1);
    renderBlocks(core, 4);
    core.setDucked(true);
    // 10 ms = 240 samples: two blocks later the ramp is done.
    const { output: ducked } = renderBlocks(core, 4);
    expect(ducked[0]).toBeGreaterThan(0.49);
    expect(ducked[2 * BLOCK]).toBeCloseTo(0.5 * 10 ** (-15 / 20), 6);
    expect(ducked[4 * BLOCK - 1]).toBeCloseTo(0.5 * 10 ** (-15 / 20), 6);
    expect(maxJump(ducked)).toBeLessThan(0.01);
    core.setDucked(false);
    const { output: restored } = renderBlocks(core, 4);
    expect(restored[2 * BLOCK]).toBeCloseTo(0.5, 6);
    core.setDucked(true);
    renderBlocks(core, 4);
    core.stop();
    renderBlocks(core, 4);
    core.enqueue(constant, 2);
    const { output: next } = renderBlocks(core, 4);
    expect(next[3 * BLOCK]).toBeCloseTo(0.5, 6);
  });
});
