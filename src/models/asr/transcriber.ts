import { LogitsProcessor, LogitsProcessorList, Tensor, type WhisperForConditionalGeneration } from '@huggingface/transformers';
import type { WhisperBundle } from './whisperFamily';
import { encoderAccess } from '../runtime/transformersPrivate';

export const ASR_SAMPLE_RATE_HZ = 16_000;
/** Whisper's window; turns are split at this length upstream. */
export const MAX_TURN_SECONDS = 30;

export interface Transcript {
  /** The decoded transcript, special tokens skipped, surrounding whitespace trimmed. */
  text: string;
  /** Ids the decoder produced after the forced prefix (<|sot|><|en|><|transcribe|><|notimestamps|>), EOS included if reached. */
  tokenIds: number[];
  /** Whisper's encoder last_hidden_state [1, 1500, d_model], kept for the ES4R speech path. */
  encoderHiddenStates: { data: Float32Array; dims: number[] };
  timingsMs: { features: number; encoder: number; decoder: number };
}

/**
 * Forces the end-of-text token once the signal aborts, so generate() ends through its normal
 * EOS path (and disposes its tensors) within one step. Whisper's generate() drops custom
 * stopping criteria but keeps logits processors, hence a processor rather than a criterion.
 */
class EndOnAbort extends LogitsProcessor {
  constructor(
    private readonly signal: AbortSignal,
    private readonly eosTokenId: number,
  ) {
    super();
  }

  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    if (!this.signal.aborted) return logits;
    const rows = logits.dims[0] ?? 1;
    const vocab = logits.dims.at(-1) ?? 0;
    const data = logits.data as Float32Array;
    for (let row = 0; row < rows; row++) {
      data.fill(-Infinity, row * vocab, (row + 1) * vocab);
      data[row * vocab + this.eosTokenId] = 0;
    }
    return logits;
  }
}

function firstEosId(model: WhisperForConditionalGeneration): number {
  const eos = (model.generation_config as { eos_token_id?: number | number[] } | null)?.eos_token_id;
  const id = Array.isArray(eos) ? eos[0] : eos;
  if (id === undefined) throw new Error('Whisper generation_config has no eos_token_id.');
  return id;
}

/** English transcription of one turn (<= 30 s of 16 kHz mono PCM): greedy, no timestamps, the encoder run once. */
/** One turn's audio; its log-mel, when the listening path computed it, spares the feature extractor. */
export interface TurnAudio {
  pcm16k: Float32Array;
  /** Whisper-normalised log-mel [nMels x frameCount] of the same span (src/turns/turn.ts). */
  logMel?: { data: Float32Array; nMels: number; frameCount: number };
}

/** Whisper's input window in frames (30 s at 100 frames/s). */
const WINDOW_FRAMES = 3000;

/**
 * The turn's own log-mel as Whisper's input_features: the frames, then the 30 s window filled with
 * digital silence, which Whisper's normalisation maps to (max - 8 + 4) / 4 = (normalised max) - 2.
 */
export function windowFromTurnLogMel(logMel: NonNullable<TurnAudio['logMel']>): Tensor {
  const { data, nMels, frameCount } = logMel;
  const frames = Math.min(frameCount, WINDOW_FRAMES);
  let max = -Infinity;
  for (const value of data) max = Math.max(max, value);
  const window = new Float32Array(nMels * WINDOW_FRAMES).fill(max - 2);
  for (let m = 0; m < nMels; m++) window.set(data.subarray(m * frameCount, m * frameCount + frames), m * WINDOW_FRAMES);
  return new Tensor('float32', window, [1, nMels, WINDOW_FRAMES]);
}

/** Whisper's encoder on any [nMels, 3000] window (the ES4R pseudo-mel too): last_hidden_state as [frames, dModel]. */
export async function encodeWindow(bundle: WhisperBundle, window: Float32Array, nMels: number): Promise<{ data: Float32Array; frames: number; dModel: number }> {
  if (window.length !== nMels * WINDOW_FRAMES) throw new RangeError(`encodeWindow: expected ${nMels}x${WINDOW_FRAMES} values, got ${window.length}`);
  const hidden = await encoderAccess(bundle.model)._encode_input('model', { input_features: new Tensor('float32', window, [1, nMels, WINDOW_FRAMES]) }, 'last_hidden_state');
  const [, frames = 0, dModel = 0] = hidden.dims;
  const data = hidden.to('float32').data as Float32Array;
  hidden.dispose();
  return { data, frames, dModel };
}

export async function transcribe(bundle: WhisperBundle, audio: TurnAudio, options: { signal?: AbortSignal } = {}): Promise<Transcript> {
  const { model, processor } = bundle;
  const { signal } = options;
  const { pcm16k } = audio;
  const seconds = pcm16k.length / ASR_SAMPLE_RATE_HZ;
  if (seconds > MAX_TURN_SECONDS) {
    throw new RangeError(`Turn audio is ${seconds.toFixed(2)} s long; Whisper takes at most ${MAX_TURN_SECONDS} s (split the turn upstream).`);
  }
  const access = encoderAccess(model);
  signal?.throwIfAborted();

  const featuresStartMs = performance.now();
  const melBins = (model.config as { num_mel_bins?: number }).num_mel_bins;
  const input_features =
    audio.logMel && audio.logMel.nMels === melBins
      ? windowFromTurnLogMel(audio.logMel)
      : ((await processor(pcm16k)) as { input_features: Tensor }).input_features;
  const encoderStartMs = performance.now();
  signal?.throwIfAborted();

  const hiddenStates = await access._encode_input('model', { input_features }, 'last_hidden_state');
  const decoderStartMs = performance.now();
  signal?.throwIfAborted();

  const logitsProcessor = new LogitsProcessorList();
  if (signal) logitsProcessor.push(new EndOnAbort(signal, firstEosId(model)));
  const multilingual = isMultilingual(model);
  const sequences = (await model.generate({
    inputs: input_features,
    encoder_outputs: hiddenStates,
    // English-only checkpoints reject language/task: they only transcribe English.
    ...(multilingual ? { language: 'en', task: 'transcribe' } : {}),
    return_timestamps: false,
    do_sample: false,
    logits_processor: logitsProcessor,
  } as unknown as Parameters<WhisperForConditionalGeneration['generate']>[0])) as Tensor;
  const endMs = performance.now();
  signal?.throwIfAborted();

  const ids = (sequences.tolist() as bigint[][])[0]!.map(Number);
  // Forced prefix: <|startoftranscript|> [<|en|> <|transcribe|>] <|notimestamps|>.
  const tokenIds = ids.slice(multilingual ? 4 : 2);
  const text = (processor.tokenizer!.decode(tokenIds, { skip_special_tokens: true }) as string).trim();
  return {
    text,
    tokenIds,
    encoderHiddenStates: { data: hiddenStates.to('float32').data as Float32Array, dims: [...hiddenStates.dims] },
    timingsMs: { features: encoderStartMs - featuresStartMs, encoder: decoderStartMs - encoderStartMs, decoder: endMs - decoderStartMs },
  };
}

function isMultilingual(model: WhisperForConditionalGeneration): boolean {
  return (model.generation_config as { is_multilingual?: boolean } | null)?.is_multilingual === true;
}
