/** A decoded WAV file: the header facts and the mono downmix. */
export interface WavAudio {
  sampleRateHz: number;
  channelCount: number;
  /** Bits per sample of the container (8, 16, 24 or 32). */
  bitsPerSample: number;
  format: 'pcm' | 'float';
  /** Mono downmix (mean of the channels), nominally -1..1 (float files may exceed it). */
  samples: Float32Array;
}

/** A file that cannot be decoded; the message names the one problem, fit to show a user. */
export class WavError extends Error {
  override name = 'WavError';
}

/** Below this rate speech loses most of its formants and the 16 kHz models are meaningless. */
export const MIN_SAMPLE_RATE_HZ = 8000;

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;
/** A data size some streaming writers leave in place because they cannot seek back: read to the end of the file. */
const STREAMING_DATA_SIZE = 0xffffffff;
const FMT_MIN_BYTES = 16;
const EXTENSIBLE_FMT_MIN_BYTES = 40;
/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID; bytes 0..1 carry the classic format code. */
const EXTENSIBLE_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const FORMAT_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0002, 'Microsoft ADPCM'],
  [0x0006, 'A-law'],
  [0x0007, 'µ-law'],
  [0x0011, 'IMA ADPCM'],
  [0x0031, 'GSM 6.10'],
  [0x0050, 'MPEG'],
  [0x0055, 'MP3'],
]);

const SUPPORTED_HINT = 'use PCM 8/16/24/32-bit or 32-bit float';

interface FmtChunk {
  formatCode: number;
  channelCount: number;
  sampleRateHz: number;
  blockAlignBytes: number;
  bitsPerSample: number;
}

interface Chunks {
  fmt: FmtChunk;
  dataOffset: number;
  dataBytes: number;
}

/**
 * Decodes a RIFF/WAVE file. Unknown chunks are skipped; a data size of 0xFFFFFFFF (left by
 * streaming writers) means "to the end of the file"; a trailing partial sample frame is dropped.
 */
export function readWav(bytes: Uint8Array): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkRiffHeader(bytes);
  const { fmt, dataOffset, dataBytes } = findChunks(bytes, view);
  const format = sampleFormat(fmt.formatCode, fmt.bitsPerSample);
  checkFmt(fmt);
  const frameCount = Math.floor(dataBytes / fmt.blockAlignBytes);
  if (frameCount === 0) throw new WavError('WAV holds no audio samples');
  const samples = downmix(view, dataOffset, frameCount, fmt, format);
  return {
    sampleRateHz: fmt.sampleRateHz,
    channelCount: fmt.channelCount,
    bitsPerSample: fmt.bitsPerSample,
    format,
    samples,
  };
}

function fourCc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

function checkRiffHeader(bytes: Uint8Array): void {
  if (bytes.length < 12) throw new WavError(`not a WAV file (${bytes.length} bytes, too short for a RIFF header)`);
  const riff = fourCc(bytes, 0);
  if (riff === 'RIFX') throw new WavError('big-endian (RIFX) WAV is not supported');
  if (riff === 'RF64') throw new WavError('RF64 (64-bit) WAV is not supported');
  if (riff !== 'RIFF') throw new WavError('not a WAV file (no RIFF header)');
  const type = fourCc(bytes, 8);
  if (type !== 'WAVE') throw new WavError(`not a WAV file (RIFF type '${type}', expected 'WAVE')`);
}

function findChunks(bytes: Uint8Array, view: DataView): Chunks {
  let fmt: FmtChunk | null = null;
  let data: { offset: number; bytes: number } | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.length && (fmt === null || data === null)) {
    const id = fourCc(bytes, offset);
    const declaredBytes = view.getUint32(offset + 4, true);
    const bodyOffset = offset + 8;
    const availableBytes = bytes.length - bodyOffset;
    if (id === 'data') {
      if (declaredBytes === STREAMING_DATA_SIZE) {
        data = { offset: bodyOffset, bytes: availableBytes };
        break;
      }
      if (declaredBytes > availableBytes) {
        throw new WavError(`truncated WAV: header declares ${declaredBytes} bytes of audio, file holds ${availableBytes}`);
      }
      data = { offset: bodyOffset, bytes: declaredBytes };
    } else if (declaredBytes > availableBytes) {
      throw new WavError(`truncated WAV: '${id}' chunk declares ${declaredBytes} bytes, file holds ${availableBytes}`);
    } else if (id === 'fmt ') {
      fmt = parseFmt(view, bodyOffset, declaredBytes);
    }
    // RIFF chunks are word-aligned: an odd-sized body is followed by one pad byte.
    offset = bodyOffset + declaredBytes + (declaredBytes % 2);
  }
  if (fmt === null) throw new WavError('no fmt chunk');
  if (data === null) throw new WavError('no data chunk');
  return { fmt, dataOffset: data.offset, dataBytes: data.bytes };
}

function parseFmt(view: DataView, offset: number, chunkBytes: number): FmtChunk {
  if (chunkBytes < FMT_MIN_BYTES) {
    throw new WavError(`malformed fmt chunk (${chunkBytes} bytes, need at least ${FMT_MIN_BYTES})`);
  }
  let formatCode = view.getUint16(offset, true);
  if (formatCode === FORMAT_EXTENSIBLE) formatCode = extensibleSubFormat(view, offset, chunkBytes);
  return {
    formatCode,
    channelCount: view.getUint16(offset + 2, true),
    sampleRateHz: view.getUint32(offset + 4, true),
    blockAlignBytes: view.getUint16(offset + 12, true),
    bitsPerSample: view.getUint16(offset + 14, true),
  };
}

function extensibleSubFormat(view: DataView, offset: number, chunkBytes: number): number {
  if (chunkBytes < EXTENSIBLE_FMT_MIN_BYTES) {
    throw new WavError(`malformed fmt chunk (WAVE_FORMAT_EXTENSIBLE with ${chunkBytes} bytes, need ${EXTENSIBLE_FMT_MIN_BYTES})`);
  }
  const guidOffset = offset + 24;
  const isStandardGuid = EXTENSIBLE_GUID_TAIL.every((byte, i) => view.getUint8(guidOffset + 2 + i) === byte);
  if (!isStandardGuid) throw new WavError(`unsupported WAV encoding: unknown extensible sub-format; ${SUPPORTED_HINT}`);
  return view.getUint16(guidOffset, true);
}

function sampleFormat(formatCode: number, bitsPerSample: number): 'pcm' | 'float' {
  if (formatCode === FORMAT_PCM) {
    if ([8, 16, 24, 32].includes(bitsPerSample)) return 'pcm';
    throw new WavError(`unsupported WAV encoding: ${bitsPerSample}-bit PCM; ${SUPPORTED_HINT}`);
  }
  if (formatCode === FORMAT_FLOAT) {
    if (bitsPerSample === 32) return 'float';
    if (bitsPerSample === 64) throw new WavError('64-bit float WAV is not supported');
    throw new WavError(`unsupported WAV encoding: ${bitsPerSample}-bit float; ${SUPPORTED_HINT}`);
  }
  const name = FORMAT_NAMES.get(formatCode) ?? 'unknown';
  throw new WavError(`unsupported WAV encoding: ${name} (format ${formatCode}); ${SUPPORTED_HINT}`);
}

function checkFmt(fmt: FmtChunk): void {
  if (fmt.channelCount === 0) throw new WavError('inconsistent header: 0 channels');
  if (fmt.sampleRateHz < MIN_SAMPLE_RATE_HZ) {
    throw new WavError(`sample rate ${fmt.sampleRateHz} Hz is below the ${MIN_SAMPLE_RATE_HZ} Hz minimum`);
  }
  if (fmt.blockAlignBytes !== fmt.channelCount * (fmt.bitsPerSample / 8)) {
    throw new WavError(
      `inconsistent header: block align ${fmt.blockAlignBytes} for ${fmt.channelCount} channels of ${fmt.bitsPerSample} bits`,
    );
  }
}

function downmix(view: DataView, dataOffset: number, frameCount: number, fmt: FmtChunk, format: 'pcm' | 'float'): Float32Array {
  const readSample = sampleReader(view, fmt.bitsPerSample, format);
  const bytesPerSample = fmt.bitsPerSample / 8;
  const samples = new Float32Array(frameCount);
  for (let frame = 0; frame < frameCount; frame++) {
    const frameOffset = dataOffset + frame * fmt.blockAlignBytes;
    let sum = 0;
    for (let channel = 0; channel < fmt.channelCount; channel++) sum += readSample(frameOffset + channel * bytesPerSample);
    const value = sum / fmt.channelCount;
    if (!Number.isFinite(value)) throw new WavError(`float WAV holds a non-finite sample (frame ${frame})`);
    samples[frame] = value;
  }
  return samples;
}

/** Full-scale divisors map the most negative integer to exactly -1, as sox and most tools do. */
function sampleReader(view: DataView, bitsPerSample: number, format: 'pcm' | 'float'): (offset: number) => number {
  if (format === 'float') return (offset) => view.getFloat32(offset, true);
  switch (bitsPerSample) {
    case 8:
      return (offset) => (view.getUint8(offset) - 128) / 128;
    case 16:
      return (offset) => view.getInt16(offset, true) / 32768;
    case 24:
      return (offset) => ((view.getUint16(offset, true) | (view.getInt8(offset + 2) << 16)) / 8388608);
    default:
      return (offset) => view.getInt32(offset, true) / 2147483648;
  }
}
