import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav } from '../../audio/wav/readWav';
import { REFERENCE_MEL_MIN_SAMPLES_16K, referenceMel, STYLE_N_MELS } from './referenceMel';
import { pythonWith, requirePython, skipWithoutPython } from '../../../test/support/python';

const FIXTURE = 'fixtures/speech-16k.wav';
/** Frames at each end left out: our resampler and sox treat the clip edges differently. */
const EDGE_FRAMES = 4;
/** Real-Hz upper edge of the mel filters compared strictly: below our resampler's 7.2 kHz pass edge. */
const PASS_BAND_HZ = 7000;

/**
 * Independent reference, written from torchaudio's documented MelSpectrogram/melscale_fbanks semantics
 * (StyleTTS2's `to_mel`: n_fft 2048, win 1200, hop 300, 80 HTK mels, sample_rate left at 16000), in numpy.
 * argv: 24 kHz float32 raw in, float32 [80 x frames] out, upper real-Hz edge of each filter out.
 */
const NUMPY_REFERENCE = `
import sys
import numpy as np
x = np.fromfile(sys.argv[1], dtype='<f4').astype(np.float64)
n_fft, win, hop, n_mels, fb_rate, audio_rate = 2048, 1200, 300, 80, 16000, 24000
window = np.zeros(n_fft)
n = np.arange(win)
window[(n_fft - win) // 2:(n_fft - win) // 2 + win] = 0.5 - 0.5 * np.cos(2 * np.pi * n / win)
padded = np.pad(x, n_fft // 2, mode='reflect')
frames = 1 + len(x) // hop
stacked = np.stack([padded[t * hop:t * hop + n_fft] for t in range(frames)])
power = np.abs(np.fft.rfft(stacked * window, axis=1)) ** 2
hz_to_mel = lambda f: 2595.0 * np.log10(1.0 + f / 700.0)
mel_to_hz = lambda m: 700.0 * (10.0 ** (m / 2595.0) - 1.0)
all_freqs = np.linspace(0, fb_rate // 2, n_fft // 2 + 1)
f_pts = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(fb_rate / 2), n_mels + 2))
f_diff = f_pts[1:] - f_pts[:-1]
slopes = f_pts[None, :] - all_freqs[:, None]
down = -slopes[:, :-2] / f_diff[:-1]
up = slopes[:, 2:] / f_diff[1:]
fb = np.maximum(0.0, np.minimum(down, up))
mel = power @ fb
out = (np.log(1e-5 + mel.T) + 4.0) / 4.0
out.astype('<f4').tofile(sys.argv[2])
(f_pts[2:] * audio_rate / fb_rate).astype('<f4').tofile(sys.argv[3])
`;

const python = pythonWith(['numpy']);
const hasSox = spawnSync('sox', ['--version'], { stdio: 'ignore' }).status === 0;
const workDir = mkdtempSync(join(tmpdir(), 'reference-mel-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function run(command: string, args: string[], input?: string): void {
  const result = spawnSync(command, args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
}

function fixture16k(): Float32Array {
  const wav = readWav(new Uint8Array(readFileSync(FIXTURE)));
  expect(wav.sampleRateHz).toBe(16_000);
  return wav.samples;
}

function readFloats(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

describe('referenceMel (StyleTTS2 front end)', () => {
  it('has 1 + floor(samples24k / 300) frames of 80 mels', () => {
    const { data, frames } = referenceMel(new Float32Array(16_000));
    expect(frames).toBe(1 + Math.floor(24_000 / 300));
    expect(data.length).toBe(STYLE_N_MELS * frames);
    // Silence is the log floor: (ln 1e-5 + 4) / 4.
    expect(data[0]).toBeCloseTo((Math.log(1e-5) + 4) / 4, 5);
  });

  it('refuses a clip too short to reflect-pad', () => {
    expect(() => referenceMel(new Float32Array(REFERENCE_MEL_MIN_SAMPLES_16K - 1))).toThrow(/too short/);
    expect(referenceMel(new Float32Array(REFERENCE_MEL_MIN_SAMPLES_16K)).frames).toBeGreaterThanOrEqual(4);
  });

  it.skipIf(skipWithoutPython(python) || (!hasSox && process.env.CI !== 'true'))('matches a numpy torchaudio-semantics reference on sox-resampled speech', () => {
    const raw24k = join(workDir, 'speech-24k.f32');
    const melPath = join(workDir, 'mel.f32');
    const edgesPath = join(workDir, 'edges.f32');
    run('sox', [FIXTURE, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-L', raw24k, 'rate', '-v', '24000']);
    run(requirePython(python, 'python3-numpy'), ['-', raw24k, melPath, edgesPath], NUMPY_REFERENCE);
    const expected = readFloats(melPath);
    const upperEdgesHz = readFloats(edgesPath);
    const expectedFrames = expected.length / STYLE_N_MELS;
    const actual = referenceMel(fixture16k());
    // The two resamplers may round the 24 kHz length differently by one sample.
    expect(Math.abs(actual.frames - expectedFrames)).toBeLessThanOrEqual(1);
    const frames = Math.min(actual.frames, expectedFrames);
    let passSum = 0, passCount = 0, passMax = 0, allSum = 0, allCount = 0;
    for (let m = 0; m < STYLE_N_MELS; m++) {
      for (let t = EDGE_FRAMES; t < frames - EDGE_FRAMES; t++) {
        const diff = Math.abs(actual.data[m * actual.frames + t]! - expected[m * expectedFrames + t]!);
        allSum += diff;
        allCount++;
        if (upperEdgesHz[m]! < PASS_BAND_HZ) {
          passSum += diff;
          passCount++;
          passMax = Math.max(passMax, diff);
        }
      }
    }
    // Measured: pass band mean < 1e-4, max 0.004; all mels mean 0.0024 (the 7.2-8 kHz transition bands differ).
    expect(passSum / passCount).toBeLessThan(0.005);
    expect(passMax).toBeLessThan(0.02);
    expect(allSum / allCount).toBeLessThan(0.01);
  });
});
