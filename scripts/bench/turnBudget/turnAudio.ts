// The bench's user turns: synthetic speech (espeak-ng, sox) laid out with known voiced ends, as a WAV the page's fake
// microphone plays and Node's listening path reads, and a JSON that says where each turn's speech ends.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav16 } from '../../../src/audio/wav/writeWav';
import { readWav } from '../../../src/audio/wav/readWav';

/** What a user might tell an empathetic assistant, one turn each, 2-4 s spoken. */
export const USER_TURNS = [
  'I had a really rough day at work today.',
  'My manager criticised my report in front of everyone.',
  'I stayed up all night to finish it, and nobody noticed.',
  'Now I keep wondering if I am even good at this job.',
  'My friends say I should not worry so much.',
  'But it is hard to stop thinking about it.',
  'I guess I just want someone to tell me it will be fine.',
  'Maybe I should talk to my manager tomorrow.',
  'I am a bit scared of how that conversation will go.',
  'Thank you for listening, it helps a little.',
] as const;

/** The audio's rate: the page's fake microphone plays it as it is; Node's listening path resamples as the page does. */
export const TURN_AUDIO_RATE_HZ = 48_000;
/** A sample at or above -60 dBFS is voiced: espeak-ng's own lead and tail are far quieter. */
const VOICED_LEVEL = 10 ** (-60 / 20);
const LEAD_S = 1;
const DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'bench-turn');

export interface TurnAudioTurn {
  text: string;
  /** First and last voiced sample of the turn, in ms from the start of the file. */
  voicedStartMs: number;
  voicedEndMs: number;
}

export interface TurnAudio {
  wavPath: string;
  sampleRateHz: number;
  samples: Float32Array;
  turns: TurnAudioTurn[];
}

/** The first and last sample index at or above the voiced level; null for a silent clip. */
export function voicedBounds(samples: Float32Array): { first: number; last: number } | null {
  let first = -1;
  let last = -1;
  samples.forEach((sample, i) => {
    if (Math.abs(sample) < VOICED_LEVEL) return;
    if (first < 0) first = i;
    last = i;
  });
  return first < 0 ? null : { first, last };
}

/** Speaks one sentence at TURN_AUDIO_RATE_HZ, cut to its voiced samples. */
function speak(text: string, workDir: string, index: number): Float32Array {
  const raw = join(workDir, `${index}.wav`);
  const resampled = join(workDir, `${index}-48k.wav`);
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-a', '100', '-w', raw, text]);
  execFileSync('sox', ['-D', '-V1', raw, '-r', String(TURN_AUDIO_RATE_HZ), '-c', '1', '-b', '16', resampled]);
  const { samples } = readWav(readFileSync(resampled));
  const bounds = voicedBounds(samples);
  if (!bounds) throw new Error(`espeak-ng said nothing for "${text}"`);
  return samples.slice(bounds.first, bounds.last + 1);
}

/**
 * `turns` user turns (cycling through USER_TURNS) after 1 s of silence, each followed by `gapS` seconds of silence (long
 * enough for the reply's first audio before the next turn starts, or it would barge in). Built once, then reused.
 */
export function turnAudio(turns: number, gapS: number): TurnAudio {
  const name = `turns-${turns}-gap-${gapS}s-48k-v1`;
  const wavPath = join(DIR, `${name}.wav`);
  const jsonPath = join(DIR, `${name}.json`);
  if (!existsSync(wavPath) || !existsSync(jsonPath)) build(turns, gapS, wavPath, jsonPath);
  const { samples, sampleRateHz } = readWav(readFileSync(wavPath));
  return { wavPath, sampleRateHz, samples, turns: JSON.parse(readFileSync(jsonPath, 'utf8')) as TurnAudioTurn[] };
}

function build(turns: number, gapS: number, wavPath: string, jsonPath: string): void {
  for (const tool of ['espeak-ng', 'sox']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(`'${tool}' is missing; install it with: sudo apt-get install -y espeak-ng sox`);
    }
  }
  const workDir = mkdtempSync(join(tmpdir(), 'bench-turn-'));
  try {
    const spoken = Array.from({ length: turns }, (_, i) => speak(USER_TURNS[i % USER_TURNS.length]!, workDir, i));
    const lead = Math.round(LEAD_S * TURN_AUDIO_RATE_HZ);
    const gap = Math.round(gapS * TURN_AUDIO_RATE_HZ);
    const total = lead + spoken.reduce((sum, clip) => sum + clip.length + gap, 0);
    const samples = new Float32Array(total);
    const layout: TurnAudioTurn[] = [];
    let at = lead;
    spoken.forEach((clip, i) => {
      samples.set(clip, at);
      const toMs = (sample: number) => (sample * 1000) / TURN_AUDIO_RATE_HZ;
      layout.push({ text: USER_TURNS[i % USER_TURNS.length]!, voicedStartMs: toMs(at), voicedEndMs: toMs(at + clip.length) });
      at += clip.length + gap;
    });
    mkdirSync(DIR, { recursive: true });
    writeFileSync(wavPath, encodeWav16(samples, TURN_AUDIO_RATE_HZ));
    writeFileSync(jsonPath, `${JSON.stringify(layout, null, 1)}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
