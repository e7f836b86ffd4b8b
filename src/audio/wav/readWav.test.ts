import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav, WavError } from './readWav';

const FIXTURES = join(import.meta.dirname, '../../../fixtures');
/** float32 rounding of values in -1..1: the reference and ours both end in a float32. */
const FLOAT32_ROUNDING = 2 ** -24;

/** Independent reference: sox decodes every channel to interleaved little-endian float32. */
function soxChannels(path: string, channelCount: number): Float32Array[] {
  const raw = execFileSync('sox', ['-D', '-V1', path, '-t', 'f32', '-e', 'floating-point', '-'], { maxBuffer: 1 << 28 });
  const interleaved = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const frameCount = interleaved.length / channelCount;
  return Array.from({ length: channelCount }, (_, channel) =>
    Float32Array.from({ length: frameCount }, (_, frame) => interleaved[frame * channelCount + channel] ?? NaN),
  );
}

function maxAbsDiffFromMean(actual: Float32Array, channels: Float32Array[]): number {
  let maxDiff = 0;
  for (let i = 0; i < actual.length; i++) {
    const mean = channels.reduce((sum, channel) => sum + (channel[i] ?? NaN), 0) / channels.length;
    maxDiff = Math.max(maxDiff, Math.abs((actual[i] ?? NaN) - mean));
  }
  return maxDiff;
}

function expectMatchesSox(path: string, expected: { rateHz: number; channels: number; bits: number; format: 'pcm' | 'float' }): void {
  const wav = readWav(readFileSync(path));
  expect(wav).toMatchObject({ sampleRateHz: expected.rateHz, channelCount: expected.channels, bitsPerSample: expected.bits, format: expected.format });
  const reference = soxChannels(path, expected.channels);
  expect(wav.samples.length).toBe(reference[0]?.length);
  // Tolerance: one LSB of the file's format, or float32 rounding where that is coarser.
  const lsb = expected.format === 'float' ? 0 : 2 ** -(expected.bits - 1);
  expect(maxAbsDiffFromMean(wav.samples, reference)).toBeLessThanOrEqual(Math.max(lsb, FLOAT32_ROUNDING));
}

describe('readWav on sox-made fixtures, against sox decoding', () => {
  it.each([
    ['speech-16k.wav', 16000, 1, 16, 'pcm'],
    ['speech-16k-u8.wav', 16000, 1, 8, 'pcm'],
    ['speech-16k-s24.wav', 16000, 1, 24, 'pcm'],
    ['speech-16k-s32.wav', 16000, 1, 32, 'pcm'],
    ['speech-16k-f32.wav', 16000, 1, 32, 'float'],
    ['speech-48k-stereo.wav', 48000, 2, 16, 'pcm'],
    ['speech-8k.wav', 8000, 1, 16, 'pcm'],
    ['speech-22k.wav', 22050, 1, 16, 'pcm'],
  ] as const)('%s (%i Hz, %i ch, %i-bit %s)', (name, rateHz, channels, bits, format) => {
    expectMatchesSox(join(FIXTURES, name), { rateHz, channels, bits, format });
  });

  const scratch = mkdtempSync(join(tmpdir(), 'readwav-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('downmixes three different channels to their mean', () => {
    const path = join(scratch, 'three-channels.wav');
    // Channels 2 and 3 differ in sign and level, so a "take channel 1" bug cannot pass.
    execFileSync('sox', ['-D', '-V1', join(FIXTURES, 'speech-16k.wav'), '-b', '24', path, 'remix', '1', '1v-0.3', '1v0.5']);
    expectMatchesSox(path, { rateHz: 16000, channels: 3, bits: 24, format: 'pcm' });
  });

  it('skips an odd-sized LIST chunk inserted before the audio of a real file', () => {
    const original = readFileSync(join(FIXTURES, 'speech-16k.wav'));
    const fmtEnd = 12 + 8 + 16;
    // A 17-byte body: the reader must also skip the pad byte that follows it.
    const list = chunk('LIST', new TextEncoder().encode('INFOISFT\x05\0\0\0sox!!'));
    const tagged = new Uint8Array([...original.subarray(0, fmtEnd), ...list, ...original.subarray(fmtEnd)]);
    const wav = readWav(tagged);
    const [reference] = soxChannels(join(FIXTURES, 'speech-16k.wav'), 1);
    expect(Array.from(wav.samples)).toEqual(Array.from(reference ?? []));
  });
});

interface WavSpec {
  formatCode?: number;
  channels?: number;
  rateHz?: number;
  bits?: number;
  blockAlign?: number;
  fmtBytes?: Uint8Array;
  data?: Uint8Array;
  /** Overrides the data chunk's declared size. */
  dataDeclaredBytes?: number;
  chunksBeforeData?: Uint8Array[];
  omitFmt?: boolean;
  omitData?: boolean;
}

function chunk(id: string, body: Uint8Array, declaredBytes = body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length % 2));
  out.set([...id].map((c) => c.charCodeAt(0)));
  new DataView(out.buffer).setUint32(4, declaredBytes, true);
  out.set(body, 8);
  return out;
}

function fmtBody(formatCode: number, channels: number, rateHz: number, bits: number, blockAlign: number): Uint8Array {
  const body = new Uint8Array(16);
  const view = new DataView(body.buffer);
  view.setUint16(0, formatCode, true);
  view.setUint16(2, channels, true);
  view.setUint32(4, rateHz, true);
  view.setUint32(8, rateHz * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, bits, true);
  return body;
}

/** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt body whose sub-format GUID starts with subFormat. */
function extensibleFmtBody(subFormat: number, channels: number, rateHz: number, bits: number, guidTail?: number[]): Uint8Array {
  const body = new Uint8Array(40);
  body.set(fmtBody(0xfffe, channels, rateHz, bits, (channels * bits) / 8));
  const view = new DataView(body.buffer);
  view.setUint16(16, 22, true);
  view.setUint16(18, bits, true);
  view.setUint16(24, subFormat, true);
  body.set(guidTail ?? [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  return body;
}

function buildWav(spec: WavSpec = {}): Uint8Array {
  const channels = spec.channels ?? 1;
  const bits = spec.bits ?? 16;
  const fmt = spec.fmtBytes ?? fmtBody(spec.formatCode ?? 1, channels, spec.rateHz ?? 16000, bits, spec.blockAlign ?? (channels * bits) / 8);
  const data = spec.data ?? new Uint8Array(64);
  const chunks = [
    ...(spec.omitFmt ? [] : [chunk('fmt ', fmt)]),
    ...(spec.chunksBeforeData ?? []),
    ...(spec.omitData ? [] : [chunk('data', data, spec.dataDeclaredBytes)]),
  ];
  const bodyBytes = 4 + chunks.reduce((sum, c) => sum + c.length, 0);
  const out = new Uint8Array(8 + bodyBytes);
  out.set([...'RIFF'].map((c) => c.charCodeAt(0)));
  new DataView(out.buffer).setUint32(4, bodyBytes, true);
  out.set([...'WAVE'].map((c) => c.charCodeAt(0)), 8);
  let offset = 12;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function int16Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => new DataView(out.buffer).setInt16(i * 2, v, true));
  return out;
}

function expectWavError(bytes: Uint8Array, message: string): void {
  let caught: unknown;
  try {
    readWav(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WavError);
  expect((caught as WavError).message).toBe(message);
}

describe('readWav on hand-built buffers', () => {
  it('maps full scale 16-bit to -1 and 32767/32768, and averages channels', () => {
    const wav = readWav(buildWav({ channels: 2, data: int16Bytes([-32768, 0, 32767, 32767, 16384, -16384]) }));
    expect(Array.from(wav.samples)).toEqual([-0.5, 32767 / 32768, 0]);
  });

  it('reads a float sub-format inside WAVE_FORMAT_EXTENSIBLE', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat32(0, 0.25, true);
    new DataView(data.buffer).setFloat32(4, -0.75, true);
    const wav = readWav(buildWav({ fmtBytes: extensibleFmtBody(3, 1, 44100, 32), data }));
    expect(wav).toMatchObject({ format: 'float', bitsPerSample: 32, sampleRateHz: 44100 });
    expect(Array.from(wav.samples)).toEqual([0.25, -0.75]);
  });

  it('skips an odd-sized unknown chunk and its pad byte', () => {
    const wav = readWav(buildWav({ chunksBeforeData: [chunk('junk', new Uint8Array(3).fill(0xff))], data: int16Bytes([16384]) }));
    expect(Array.from(wav.samples)).toEqual([0.5]);
  });

  it('reads a streaming data size of 0xFFFFFFFF to the end of the file', () => {
    const wav = readWav(buildWav({ data: int16Bytes([8192, -8192, 0]), dataDeclaredBytes: 0xffffffff }));
    expect(Array.from(wav.samples)).toEqual([0.25, -0.25, 0]);
  });

  it('drops a trailing partial sample frame', () => {
    const wav = readWav(buildWav({ channels: 2, data: int16Bytes([100, 100, 200]) }));
    expect(wav.samples.length).toBe(1);
  });

  it.each([
    ['an empty file', new Uint8Array(0), 'not a WAV file (0 bytes, too short for a RIFF header)'],
    ['text', new TextEncoder().encode('hello, this is not audio'), 'not a WAV file (no RIFF header)'],
    ['an AVI', (() => { const b = buildWav(); b.set([0x41, 0x56, 0x49, 0x20], 8); return b; })(), "not a WAV file (RIFF type 'AVI ', expected 'WAVE')"],
    ['RIFX', (() => { const b = buildWav(); b.set([0x52, 0x49, 0x46, 0x58]); return b; })(), 'big-endian (RIFX) WAV is not supported'],
    ['RF64', (() => { const b = buildWav(); b.set([0x52, 0x46, 0x36, 0x34]); return b; })(), 'RF64 (64-bit) WAV is not supported'],
    ['A-law', buildWav({ formatCode: 6, bits: 8 }), 'unsupported WAV encoding: A-law (format 6); use PCM 8/16/24/32-bit or 32-bit float'],
    ['µ-law', buildWav({ formatCode: 7, bits: 8 }), 'unsupported WAV encoding: µ-law (format 7); use PCM 8/16/24/32-bit or 32-bit float'],
    ['IMA ADPCM', buildWav({ formatCode: 0x11, bits: 4, blockAlign: 256 }), 'unsupported WAV encoding: IMA ADPCM (format 17); use PCM 8/16/24/32-bit or 32-bit float'],
    ['an unknown format code', buildWav({ formatCode: 0x1234 }), 'unsupported WAV encoding: unknown (format 4660); use PCM 8/16/24/32-bit or 32-bit float'],
    ['12-bit PCM', buildWav({ bits: 12, blockAlign: 2 }), 'unsupported WAV encoding: 12-bit PCM; use PCM 8/16/24/32-bit or 32-bit float'],
    ['64-bit float', buildWav({ formatCode: 3, bits: 64 }), '64-bit float WAV is not supported'],
    ['16-bit float', buildWav({ formatCode: 3, bits: 16 }), 'unsupported WAV encoding: 16-bit float; use PCM 8/16/24/32-bit or 32-bit float'],
    ['extensible A-law', buildWav({ fmtBytes: extensibleFmtBody(6, 1, 16000, 8) }), 'unsupported WAV encoding: A-law (format 6); use PCM 8/16/24/32-bit or 32-bit float'],
    ['an extensible non-standard GUID', buildWav({ fmtBytes: extensibleFmtBody(1, 1, 16000, 16, new Array(14).fill(7)) }), 'unsupported WAV encoding: unknown extensible sub-format; use PCM 8/16/24/32-bit or 32-bit float'],
    ['a short extensible fmt', buildWav({ fmtBytes: extensibleFmtBody(1, 1, 16000, 16).subarray(0, 18) }), 'malformed fmt chunk (WAVE_FORMAT_EXTENSIBLE with 18 bytes, need 40)'],
    ['a 14-byte fmt', buildWav({ fmtBytes: new Uint8Array(14) }), 'malformed fmt chunk (14 bytes, need at least 16)'],
    ['4 kHz', buildWav({ rateHz: 4000 }), 'sample rate 4000 Hz is below the 8000 Hz minimum'],
    ['0 channels', buildWav({ channels: 0 }), 'inconsistent header: 0 channels'],
    ['a wrong block align', buildWav({ channels: 2, blockAlign: 3 }), 'inconsistent header: block align 3 for 2 channels of 16 bits'],
    ['a data size beyond the file', buildWav({ data: new Uint8Array(1000), dataDeclaredBytes: 88200 }), 'truncated WAV: header declares 88200 bytes of audio, file holds 1000'],
    ['a cut-off chunk before data', buildWav({ chunksBeforeData: [chunk('LIST', new Uint8Array(4), 5000)], omitData: true }), "truncated WAV: 'LIST' chunk declares 5000 bytes, file holds 4"],
    ['an empty data chunk', buildWav({ data: new Uint8Array(0) }), 'WAV holds no audio samples'],
    ['no fmt chunk', buildWav({ omitFmt: true }), 'no fmt chunk'],
    ['no data chunk', buildWav({ omitData: true }), 'no data chunk'],
    ['a header only', buildWav().subarray(0, 12), 'no fmt chunk'],
    ['a NaN float sample', buildWav({ formatCode: 3, bits: 32, data: new Uint8Array([0, 0, 0xc0, 0x7f]) }), 'float WAV holds a non-finite sample (frame 0)'],
  ])('rejects %s with one specific message', (_, bytes, message) => {
    expectWavError(bytes, message);
  });

  it('reports a real file cut in the middle of its audio as truncated', () => {
    const whole = readFileSync(join(FIXTURES, 'speech-16k.wav'));
    const cut = whole.subarray(0, 1044);
    const declared = new DataView(whole.buffer, whole.byteOffset).getUint32(40, true);
    expectWavError(cut, `truncated WAV: header declares ${declared} bytes of audio, file holds 1000`);
  });
});
