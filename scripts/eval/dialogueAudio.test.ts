import { describe, expect, it } from 'vitest';
import type { WavAudio } from '../../src/audio/wav/readWav';
import { joinTurnWavs, TURN_GAP_MS } from './dialogueAudio';

const wav = (samples: number[], sampleRateHz = 1000): WavAudio => ({ sampleRateHz, channelCount: 1, bitsPerSample: 16, format: 'pcm', samples: Float32Array.from(samples) });

describe('joinTurnWavs', () => {
  it('puts a silent gap before and after every turn file', () => {
    const joined = joinTurnWavs([wav([0.5, 0.5]), wav([-0.25])]);
    if (!('audio' in joined)) throw new Error(joined.problem);
    const gap = (TURN_GAP_MS / 1000) * 1000;
    expect(joined.audio.sampleRateHz).toBe(1000);
    expect(joined.audio.samples.length).toBe(3 * gap + 3);
    expect(joined.audio.samples[gap]).toBe(0.5);
    expect(joined.audio.samples[2 * gap + 2]).toBe(-0.25);
    expect(joined.audio.samples.slice(0, gap).every((s) => s === 0)).toBe(true);
  });

  it('refuses turn files of different sample rates, naming them', () => {
    expect(joinTurnWavs([wav([0], 16000), wav([0], 48000)])).toEqual({ problem: 'the turn files differ in sample rate (16000, 48000 Hz); give them one rate' });
  });
});
