/**
 * The hand design of the tiny Whisper: sizes, the two transcripts, and the decoder tables that make greedy
 * decoding follow them.
 *
 * Audio: the encoder turns each frame's mean log-mel m into s = SPEECH_GAIN * (m - SILENCE_THRESHOLD) on
 * channel 0 and -s on channel 1 (GELU keeps the positive one). Digital silence is all -1.5 after Whisper's
 * normalisation, so s < 0 everywhere; any audible clip has every frame (padding included) at >= globalMax - 2,
 * far above -1.25, so s > 0 everywhere. The encoder's final LayerNorm makes channel 0 minus channel 1 about
 * +8 for speech and -8 for silence at every position, and the first decoder cross-attention copies that
 * difference (whatever its attention weights: all positions agree) onto the residual AUDIO direction.
 *
 * Decoder: residual = token direction + position direction + audio * AUDIO direction + small noise. The
 * readout row of token k holds TOKEN_WEIGHT on the direction of each token that k follows, POSITION_WEIGHT on
 * the direction of each position k is emitted at, and +-AUDIO_WEIGHT on the audio direction for tokens of
 * only one transcript. All rows are zero-mean, so the final LayerNorm only rescales the logits and greedy
 * decoding picks, at every step, the token that both the previous token and the position vote for; at the
 * first step both transcripts tie on those votes and the audio sign decides.
 */
import type { TokenizerLayout } from './tokenizerLayout';
import type { Xorshift32Random } from '../seededRandom';

export const D_MODEL = 64;
export const HEADS = 4;
export const HEAD_DIM = D_MODEL / HEADS;
export const FFN_DIM = 128;
export const ENCODER_LAYERS = 2;
export const DECODER_LAYERS = 2;
export const MEL_BINS = 80;
export const MEL_FRAMES = 3000;
export const SOURCE_POSITIONS = 1500;
export const TARGET_POSITIONS = 448;

/** The forced prefix generate() puts before the text for English transcription without timestamps. */
export const PROMPT = ['<|startoftranscript|>', '<|en|>', '<|transcribe|>', '<|notimestamps|>'] as const;
/** What the model says for any audible clip. */
export const SPEECH_TRANSCRIPT = [' Hello', ',', ' how', ' are', ' you', '?'] as const;
/** What it says for digital silence: Whisper's best-known hallucination on silence. */
export const SILENCE_TRANSCRIPT = [' Thank', ' you', '.'] as const;
export const END_OF_TEXT = '<|endoftext|>';

/** Normalised log-mel level between digital silence (-1.5) and the floor of any audible clip. */
export const SILENCE_THRESHOLD = -1.25;
/** Makes the speech/silence feature large enough that GELU keeps its sign clearly. */
export const SPEECH_GAIN = 16;
/** Scales the cross-attended audio difference (about +-8) to about +-1.2 on the residual. */
export const AUDIO_TO_RESIDUAL = 0.15;

const TOKEN_WEIGHT = 2;
const POSITION_WEIGHT = 2;
const AUDIO_WEIGHT = 1;
/** Amplitude of the random parts of the embeddings: keeps every row distinct but far below the design. */
const EMBEDDING_NOISE = 0.01;

/** Residual directions are zero-mean pairs (e_j - e_{j+32}) / sqrt 2, so LayerNorm only rescales them. */
const DIRECTION_COUNT = D_MODEL / 2;
export const AUDIO_DIRECTION = DIRECTION_COUNT - 1;

export function addDirection(row: Float32Array, offset: number, direction: number, weight: number): void {
  row[offset + direction] = (row[offset + direction] ?? 0) + weight / Math.SQRT2;
  row[offset + direction + DIRECTION_COUNT] = (row[offset + direction + DIRECTION_COUNT] ?? 0) - weight / Math.SQRT2;
}

export interface DecoderTables {
  /** [vocab, D_MODEL] */
  readonly tokenEmbedding: Float32Array;
  /** [TARGET_POSITIONS, D_MODEL] */
  readonly positionEmbedding: Float32Array;
  /** [vocab, D_MODEL]: logits = LayerNorm(residual) . readout[k] */
  readonly readout: Float32Array;
}

/** One greedy step of a transcript: the current token at an absolute position votes for the next token. */
interface Step {
  readonly current: string;
  readonly position: number;
  readonly next: string;
  readonly audioSign: number;
}

function transcriptSteps(transcript: readonly string[], audioSign: number): Step[] {
  const chain = [PROMPT[PROMPT.length - 1]!, ...transcript, END_OF_TEXT];
  return chain.slice(1).map((next, i) => ({ current: chain[i]!, position: PROMPT.length - 1 + i, next, audioSign }));
}

export function decoderTables(layout: TokenizerLayout, random: Xorshift32Random): DecoderTables {
  const vocab = layout.tokens.length;
  const steps = [...transcriptSteps(SPEECH_TRANSCRIPT, 1), ...transcriptSteps(SILENCE_TRANSCRIPT, -1)];
  const tokenEmbedding = random.array(vocab * D_MODEL, EMBEDDING_NOISE);
  const positionEmbedding = random.array(TARGET_POSITIONS * D_MODEL, EMBEDDING_NOISE);
  const readout = new Float32Array(vocab * D_MODEL);

  const tokenDirections = new Map<string, number>();
  const positionDirections = new Map<number, number>();
  for (const step of steps) {
    if (!tokenDirections.has(step.current)) tokenDirections.set(step.current, tokenDirections.size + positionDirections.size);
    if (!positionDirections.has(step.position)) positionDirections.set(step.position, tokenDirections.size + positionDirections.size);
  }
  if (tokenDirections.size + positionDirections.size > AUDIO_DIRECTION) throw new Error('tiny whisper: too many directions');
  for (const [token, direction] of tokenDirections) addDirection(tokenEmbedding, layout.idOf(token) * D_MODEL, direction, 1);
  for (const [position, direction] of positionDirections) addDirection(positionEmbedding, position * D_MODEL, direction, 1);

  // A vote is set once even if two steps share it, so every weight stays what the comment above says.
  const votes = new Set<string>();
  const vote = (token: string, direction: number, weight: number): void => {
    const key = `${token}\u0000${direction}`;
    if (votes.has(key)) return;
    votes.add(key);
    addDirection(readout, layout.idOf(token) * D_MODEL, direction, weight);
  };
  const audioSigns = new Map<string, Set<number>>();
  for (const step of steps) {
    vote(step.next, tokenDirections.get(step.current)!, TOKEN_WEIGHT);
    vote(step.next, positionDirections.get(step.position)!, POSITION_WEIGHT);
    audioSigns.set(step.next, (audioSigns.get(step.next) ?? new Set()).add(step.audioSign));
  }
  for (const [token, signs] of audioSigns) {
    if (signs.size === 1) vote(token, AUDIO_DIRECTION, AUDIO_WEIGHT * [...signs][0]!);
  }
  return { tokenEmbedding, positionEmbedding, readout };
}
