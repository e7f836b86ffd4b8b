import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const fixture = (name: string): string => join(ROOT, 'fixtures', name);
const scratch = mkdtempSync(join(tmpdir(), 'cli-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(tool: 'features' | 'analyze', args: string[]): CliResult {
  const result = spawnSync(TSX, [join(ROOT, 'scripts', `${tool}.ts`), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function soxSampleCount(path: string): number {
  return Number(execFileSync('soxi', ['-s', path]).toString().trim());
}

/** Independent decoding: sox's mono float32 output. */
function soxSamples(path: string): Float32Array {
  const raw = execFileSync('sox', ['-D', '-V1', path, '-t', 'f32', '-c', '1', '-'], { maxBuffer: 1 << 28 });
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

/** A minimal NPY reader written against the format spec, so it does not share code with encodeNpy. */
function readNpy(path: string): { shape: number[]; data: Float32Array } {
  const bytes = readFileSync(path);
  const headerBytes = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerBytes).toString('latin1');
  expect(header).toContain("'descr': '<f4'");
  expect(header).toContain("'fortran_order': False");
  const shapeText = /'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerBytes, bytes.byteOffset + bytes.byteLength));
  return { shape, data };
}

const badFiles: Array<[string, () => Uint8Array, string]> = [
  ['a text file', () => new TextEncoder().encode('this is not audio\n'), 'not a WAV file (no RIFF header)'],
  ['an empty file', () => new Uint8Array(0), 'not a WAV file (0 bytes, too short for a RIFF header)'],
  [
    'a truncated file',
    () => readFileSync(fixture('speech-16k.wav')).subarray(0, 1044),
    `truncated WAV: header declares ${soxSampleCount(fixture('speech-16k.wav')) * 2} bytes of audio, file holds 1000`,
  ],
  [
    'an A-law file',
    () => {
      const bytes = new Uint8Array(readFileSync(fixture('speech-16k-u8.wav')));
      bytes[20] = 6; // format tag of the fmt chunk
      return bytes;
    },
    'unsupported WAV encoding: A-law (format 6); use PCM 8/16/24/32-bit or 32-bit float',
  ],
];

function expectOneLineError(result: CliResult, tool: string, message: string): void {
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(`${tool}: `);
  expect(result.stderr).toContain(message);
}

describe.each(['features', 'analyze'] as const)('%s on bad input', (tool) => {
  const extraArgs = tool === 'features' ? [join(scratch, 'unused.npy')] : ['--json'];

  it.each(badFiles)('rejects %s with one line and exit code 2', (name, bytes, message) => {
    const path = join(scratch, `${tool}-${name.replaceAll(' ', '-')}.wav`);
    writeFileSync(path, bytes());
    expectOneLineError(runCli(tool, [path, ...extraArgs]), tool, message);
  });

  it('rejects a missing file', () => {
    expectOneLineError(runCli(tool, [join(scratch, 'nowhere.wav'), ...extraArgs]), tool, 'cannot read (no such file)');
  });

  it('prints the usage for missing arguments and an unknown option', () => {
    for (const args of [[], [fixture('speech-16k.wav'), ...extraArgs, '--bogus']]) {
      const result = runCli(tool, args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`usage: npm run -s ${tool} -- <in.wav>`);
    }
  });
});

describe('features', () => {
  const extractor = new WhisperFeatureExtractor({
    feature_size: 80,
    sampling_rate: 16000,
    hop_length: 160,
    chunk_length: 30,
    n_fft: 400,
    n_samples: 480000,
    nb_max_frames: 3000,
    padding_value: 0,
  });

  function features(name: string, extraArgs: string[] = []): { shape: number[]; data: Float32Array } {
    const out = join(scratch, `${name}.${extraArgs.join('')}.npy`);
    const result = runCli('features', [fixture(name), out, ...extraArgs]);
    expect(result.stderr).not.toContain('Error');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    return readNpy(out);
  }

  it('writes [80, floor(N/160)] for speech-16k.wav, matching transformers.js WhisperFeatureExtractor', async () => {
    const samples = soxSamples(fixture('speech-16k.wav'));
    const frameCount = Math.floor(samples.length / 160);
    const { shape, data } = features('speech-16k.wav');
    expect(shape).toEqual([80, frameCount]);
    // Unpadded reference (max_length = N): log10, max-8 clamp and (x+4)/4 over exactly these frames.
    const { input_features: reference } = await extractor(samples, { max_length: samples.length });
    expect(reference.dims).toEqual([1, 80, frameCount]);
    const referenceData = reference.data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < data.length; i++) maxDiff = Math.max(maxDiff, Math.abs((data[i] ?? NaN) - (referenceData[i] ?? NaN)));
    // Tolerance: float32 rounding of values near 1 plus headroom for Math.log10/cos differences between engines.
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('writes [80, floor(N * 16000 / 48000 / 160)] for speech-48k.wav, close to the 16 kHz rendering', () => {
    const n48k = soxSampleCount(fixture('speech-48k.wav'));
    const frameCount = Math.floor(n48k / 3 / 160);
    const at48k = features('speech-48k.wav');
    expect(at48k.shape).toEqual([80, frameCount]);
    // sox made both files from the same 22.05 kHz utterance; two different resamplers agree on average.
    const at16k = features('speech-16k.wav');
    let sumDiff = 0;
    for (let i = 0; i < at48k.data.length; i++) sumDiff += Math.abs((at48k.data[i] ?? NaN) - (at16k.data[i] ?? NaN));
    // Seen: 0.001 (0.1 % of Whisper's 2-unit range); a wrong rate or aliasing gives > 0.1.
    expect(sumDiff / at48k.data.length).toBeLessThan(0.01);
  });

  it('writes 128 mel bins with --mels 128, within Whisper’s 8 dB / 4 = 2 range', () => {
    const { shape, data } = features('speech-22k.wav', ['--mels', '128']);
    const frameCount = Math.floor(Math.floor((soxSampleCount(fixture('speech-22k.wav')) * 16000) / 22050) / 160);
    expect(shape).toEqual([128, frameCount]);
    const max = data.reduce((a, b) => Math.max(a, b), -Infinity);
    const min = data.reduce((a, b) => Math.min(a, b), Infinity);
    expect(max - min).toBeCloseTo(2, 5);
  });

  it('rejects --mels 64 as a usage error', () => {
    const result = runCli('features', [fixture('speech-16k.wav'), join(scratch, 'x.npy'), '--mels', '64']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--mels must be 80 or 128, got '64'");
  });

  it('rejects a file longer than 30 s with one line and exit code 2', () => {
    expectOneLineError(runCli('features', [fixture('monologue-16k.wav'), join(scratch, 'x.npy')]), 'features', '121.50 s is longer than the 30 s maximum');
  });
});

interface AnalyzeJson {
  turns: Array<{ startMs: number; endMs: number; energyDb: number }>;
  deltaDb: number | null;
  strategy: 'comfort' | 'encourage' | 'neutral';
}

function analyzeJson(name: string): AnalyzeJson {
  const result = runCli('analyze', [fixture(name), '--json']);
  expect(result.status, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as AnalyzeJson;
  expect(Object.keys(parsed).sort()).toEqual(['deltaDb', 'strategy', 'turns']);
  for (const turn of parsed.turns) expect(Object.keys(turn).sort()).toEqual(['endMs', 'energyDb', 'startMs']);
  return parsed;
}

describe('analyze', () => {
  /** Where each utterance of the dialogue fixtures starts: 1 s lead, then utterance + 1.5 s gap (scripts/make-fixtures.sh). */
  const LEAD_MS = 1000;
  const GAP_MS = 1500;
  /** espeak-ng starts speaking at its first sample, so an utterance's onset is where its file starts. */
  const ONSET_TOLERANCE_MS = 150;
  const utteranceMs: Record<'a' | 'b' | 'c', number> = { a: 0, b: 0, c: 0 };

  beforeAll(() => {
    // The same sentences, voice and rate as scripts/make-fixtures.sh; their lengths come from soxi.
    const sentences = {
      a: 'I finally finished the project I have been working on for months.',
      b: 'But nobody at work even noticed, and I feel a bit invisible.',
      c: 'Maybe it just does not matter what I do anymore.',
    };
    for (const [key, text] of Object.entries(sentences) as Array<['a' | 'b' | 'c', string]>) {
      const path = join(scratch, `${key}.wav`);
      execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-a', '100', '-w', path, text]);
      utteranceMs[key] = Number(execFileSync('soxi', ['-D', path]).toString()) * 1000;
    }
  });

  function expectedOnsetsMs(order: Array<'a' | 'b' | 'c'>): number[] {
    let onsetMs = LEAD_MS;
    return order.map((key) => {
      const thisOnsetMs = onsetMs;
      onsetMs += utteranceMs[key] + GAP_MS;
      return thisOnsetMs;
    });
  }

  it('finds 3 turns of falling energy near the true onsets in dialogue-falling-48k.wav -> comfort', () => {
    const { turns, deltaDb, strategy } = analyzeJson('dialogue-falling-48k.wav');
    expect(turns).toHaveLength(3);
    const onsets = expectedOnsetsMs(['a', 'b', 'c']);
    turns.forEach((turn, k) => expect(Math.abs(turn.startMs - (onsets[k] ?? NaN))).toBeLessThan(ONSET_TOLERANCE_MS));
    const [first, second, third] = turns.map((turn) => turn.energyDb);
    expect(first).toBeGreaterThan(second ?? NaN);
    expect(second).toBeGreaterThan(third ?? NaN);
    expect(strategy).toBe('comfort');
    expect(deltaDb).toBeLessThanOrEqual(-3);
  });

  it('finds 3 turns of rising energy in dialogue-rising-48k.wav -> encourage', () => {
    const { turns, deltaDb, strategy } = analyzeJson('dialogue-rising-48k.wav');
    expect(turns).toHaveLength(3);
    const onsets = expectedOnsetsMs(['c', 'b', 'a']);
    turns.forEach((turn, k) => expect(Math.abs(turn.startMs - (onsets[k] ?? NaN))).toBeLessThan(ONSET_TOLERANCE_MS));
    expect(strategy).toBe('encourage');
    expect(deltaDb).toBeGreaterThanOrEqual(3);
  });

  it('finds no turn in silence-16k.wav, without error', () => {
    expect(analyzeJson('silence-16k.wav')).toEqual({ turns: [], deltaDb: null, strategy: 'neutral' });
  });

  it('splits the 2-minute monologue into turns of at most 30 s that cover most of the speech', () => {
    const { turns } = analyzeJson('monologue-16k.wav');
    expect(turns.length).toBeGreaterThanOrEqual(4);
    for (const turn of turns) expect(turn.endMs - turn.startMs).toBeLessThanOrEqual(30_000);
    turns.slice(1).forEach((turn, k) => expect(turn.startMs).toBeGreaterThanOrEqual(turns[k]?.endMs ?? NaN));
    // Speech runs from 0.5 s to 120.5 s (make-fixtures.sh pads 0.5 s before, 1 s after).
    const coveredMs = turns.reduce((sum, turn) => sum + turn.endMs - turn.startMs, 0);
    expect(coveredMs).toBeGreaterThan(0.95 * 120_000);
  });

  it('finds the speech in clipped-dc-16k.wav after its 0.5 s of leading silence', () => {
    const { turns } = analyzeJson('clipped-dc-16k.wav');
    expect(turns.length).toBeGreaterThanOrEqual(1);
    expect(Math.abs((turns[0]?.startMs ?? NaN) - 500)).toBeLessThan(ONSET_TOLERANCE_MS);
  });

  it('prints an aligned table and the strategy line without --json', () => {
    const result = runCli('analyze', [fixture('dialogue-falling-48k.wav')]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s*turn\s+start\s+end\s+duration\s+energy dB\s+end reason\s*$/);
    const rows = lines.slice(1, 4);
    expect(rows).toHaveLength(3);
    // Aligned: numbers end under their header's right edge, the end reason starts under its header.
    const header = lines[0] ?? '';
    const reasonColumn = header.indexOf('end reason');
    for (const row of rows) {
      expect(row.slice(0, reasonColumn).trimEnd().length).toBe(header.slice(0, reasonColumn).trimEnd().length);
      expect(row.slice(reasonColumn)).toMatch(/^[a-zA-Z]+$/);
    }
    expect(lines.at(-1)).toMatch(/^strategy: comfort \(delta -?\d+\.\d dB\)$/);
  });

  it('says so when a recording has no turns', () => {
    const result = runCli('analyze', [fixture('silence-16k.wav')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('no turns found\nstrategy: neutral (no delta: fewer than 2 turns)\n');
  });
});
