// Text -> 24 kHz speech with Kokoro: normalise, phonemize, tokenize, chunk to the model's context, synthesize, join.
import { Tensor } from '@huggingface/transformers';
import { chunkTokenIds, type BoundaryIds } from './chunkTokens';
import { KOKORO_STYLE_SIZE, type KokoroBundle } from './kokoroFamily';
import { normalizeForSpeech } from './normalizeText';
import { phonemizeEnglish } from './phonemize';
import { concatFloat32 } from '../../concatArrays';

/** Kokoro's output sample rate. */
export const KOKORO_SAMPLE_RATE_HZ = 24_000;
/** Phoneme tokens per model call: the 512-token context minus the two pads. */
export const KOKORO_MAX_PHONEMES = 510;
/** Rows of a voice table: one style per phoneme count 1..510. */
export const KOKORO_VOICE_ROWS = 510;
/** The pad id Kokoro expects at both ends of input_ids. */
const PAD_ID = 0;

/** Phoneme symbols (in Kokoro's vocabulary) at which a long text may be cut, strongest first. */
const BOUNDARY_SYMBOLS = { sentence: '.!?\u2026', clause: ',;:\u2014', word: ' ' } as const;

export interface SpeakOptions {
  /** A 256-float style (e.g. fused from the user's turns), or null to take the voice table's row for each chunk. */
  style: Float32Array | null;
  /** A [510 * 256] voice table (see loadVoiceTable). */
  voice: Float32Array;
  /** 1 = the voice's natural pace; 0.5 doubles the duration. */
  speed: number;
  signal?: AbortSignal;
}

export interface Speech {
  /** Mono PCM at KOKORO_SAMPLE_RATE_HZ; empty when the text has nothing speakable. */
  audio: Float32Array;
  chunks: number;
  /** Phoneme tokens spoken, pads excluded. */
  phonemes: number;
  timingsMs: { normalize: number; phonemize: number; tokenize: number; model: number };
}

/** A voices/<name>.bin file ([510, 1, 256] float32, little-endian) as one Float32Array. */
export function loadVoiceTable(bytes: Uint8Array): Float32Array {
  const expectedBytes = KOKORO_VOICE_ROWS * KOKORO_STYLE_SIZE * Float32Array.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== expectedBytes) {
    throw new Error(`a Kokoro voice table is ${KOKORO_VOICE_ROWS} x ${KOKORO_STYLE_SIZE} float32 = ${expectedBytes} bytes, got ${bytes.byteLength}`);
  }
  // Copy: the bytes may sit at an offset that is not a multiple of 4.
  return new Float32Array(bytes.slice().buffer);
}

/**
 * The style for a chunk of `phonemeCount` tokens (pads excluded): row phonemeCount - 1, as the reference Kokoro pipeline
 * (hexgrad/kokoro KPipeline: `pack[len(ps) - 1]`) picks it. kokoro.js takes row phonemeCount, one row later.
 */
export function voiceRow(voice: Float32Array, phonemeCount: number): Float32Array {
  const row = Math.min(Math.max(phonemeCount - 1, 0), KOKORO_VOICE_ROWS - 1);
  return voice.subarray(row * KOKORO_STYLE_SIZE, (row + 1) * KOKORO_STYLE_SIZE);
}

function boundaryIds(bundle: KokoroBundle): BoundaryIds {
  const idsOf = (symbols: string) => new Set(bundle.tokenizer.encode(symbols, { add_special_tokens: false }));
  return { sentence: idsOf(BOUNDARY_SYMBOLS.sentence), clause: idsOf(BOUNDARY_SYMBOLS.clause), word: idsOf(BOUNDARY_SYMBOLS.word) };
}

function validate(options: SpeakOptions): void {
  if (options.voice.length !== KOKORO_VOICE_ROWS * KOKORO_STYLE_SIZE) {
    throw new Error(`voice table has ${options.voice.length} floats, expected ${KOKORO_VOICE_ROWS * KOKORO_STYLE_SIZE}`);
  }
  if (options.style && options.style.length !== KOKORO_STYLE_SIZE) throw new Error(`style has ${options.style.length} floats, expected ${KOKORO_STYLE_SIZE}`);
  if (!(options.speed > 0 && Number.isFinite(options.speed))) throw new Error(`speed must be a positive number, got ${options.speed}`);
}

async function speakChunk(bundle: KokoroBundle, ids: readonly number[], style: Float32Array, speed: number): Promise<Float32Array> {
  const padded = BigInt64Array.from([PAD_ID, ...ids, PAD_ID], BigInt);
  const { waveform } = (await bundle.model({
    input_ids: new Tensor('int64', padded, [1, padded.length]),
    style: new Tensor('float32', Float32Array.from(style), [1, KOKORO_STYLE_SIZE]),
    speed: new Tensor('float32', Float32Array.from([speed]), [1]),
  })) as { waveform: Tensor };
  return waveform.data as Float32Array;
}

/** Speaks `text`; chunks run one after another (transformers.js serialises a worker's sessions anyway). */
export async function synthesize(bundle: KokoroBundle, text: string, options: SpeakOptions): Promise<Speech> {
  validate(options);
  const timingsMs = { normalize: 0, phonemize: 0, tokenize: 0, model: 0 };
  let startMs = performance.now();
  const lap = (): number => {
    const nowMs = performance.now();
    const elapsedMs = nowMs - startMs;
    startMs = nowMs;
    return elapsedMs;
  };
  const speakable = normalizeForSpeech(text);
  timingsMs.normalize = lap();
  const phonemes = speakable === '' ? '' : await phonemizeEnglish(speakable);
  timingsMs.phonemize = lap();
  const boundaries = boundaryIds(bundle);
  const chunks = chunkTokenIds(bundle.tokenizer.encode(phonemes, { add_special_tokens: false }), KOKORO_MAX_PHONEMES, boundaries)
    // A chunk of punctuation alone has nothing to say: the model would only make noise of it.
    .filter((chunk) => chunk.some((id) => !boundaries.sentence.has(id) && !boundaries.clause.has(id) && !boundaries.word.has(id)));
  timingsMs.tokenize = lap();
  const parts: Float32Array[] = [];
  for (const chunk of chunks) {
    options.signal?.throwIfAborted();
    parts.push(await speakChunk(bundle, chunk, options.style ?? voiceRow(options.voice, chunk.length), options.speed));
  }
  options.signal?.throwIfAborted();
  timingsMs.model = lap();
  return { audio: concatFloat32(parts), chunks: chunks.length, phonemes: chunks.reduce((sum, chunk) => sum + chunk.length, 0), timingsMs };
}
