/** config.json, generation_config.json and preprocessor_config.json with the fields of the real Whisper repos. */
import {
  D_MODEL,
  DECODER_LAYERS,
  ENCODER_LAYERS,
  FFN_DIM,
  HEADS,
  MEL_BINS,
  MEL_FRAMES,
  SOURCE_POSITIONS,
  TARGET_POSITIONS,
} from './design';
import { WHISPER_LANGUAGE_CODES, type TokenizerLayout } from './tokenizerLayout';

const SAMPLE_RATE_HZ = 16000;
const CHUNK_LENGTH_S = 30;
const HOP_LENGTH = 160;
const N_FFT = 400;

/** Whisper never starts a transcript with a bare space or the end of text. */
function beginSuppressTokens(layout: TokenizerLayout): number[] {
  return [layout.idOf('Ġ'), layout.idOf('<|endoftext|>')];
}

export function modelConfigJson(layout: TokenizerLayout): object {
  const eot = layout.idOf('<|endoftext|>');
  return {
    _name_or_path: 'tiny/whisper',
    architectures: ['WhisperForConditionalGeneration'],
    model_type: 'whisper',
    activation_function: 'gelu',
    d_model: D_MODEL,
    encoder_layers: ENCODER_LAYERS,
    decoder_layers: DECODER_LAYERS,
    num_hidden_layers: ENCODER_LAYERS,
    encoder_attention_heads: HEADS,
    decoder_attention_heads: HEADS,
    encoder_ffn_dim: FFN_DIM,
    decoder_ffn_dim: FFN_DIM,
    num_mel_bins: MEL_BINS,
    max_source_positions: SOURCE_POSITIONS,
    max_target_positions: TARGET_POSITIONS,
    vocab_size: layout.tokens.length,
    bos_token_id: eot,
    eos_token_id: eot,
    pad_token_id: eot,
    decoder_start_token_id: layout.idOf('<|startoftranscript|>'),
    begin_suppress_tokens: beginSuppressTokens(layout),
    suppress_tokens: [],
    is_encoder_decoder: true,
    scale_embedding: false,
    use_cache: true,
    torch_dtype: 'float32',
  };
}

export function generationConfigJson(layout: TokenizerLayout): object {
  const eot = layout.idOf('<|endoftext|>');
  return {
    alignment_heads: [[DECODER_LAYERS - 1, 0]],
    begin_suppress_tokens: beginSuppressTokens(layout),
    bos_token_id: eot,
    decoder_start_token_id: layout.idOf('<|startoftranscript|>'),
    eos_token_id: eot,
    pad_token_id: eot,
    is_multilingual: true,
    lang_to_id: Object.fromEntries(WHISPER_LANGUAGE_CODES.map((code) => [`<|${code}|>`, layout.idOf(`<|${code}|>`)])),
    task_to_id: { transcribe: layout.idOf('<|transcribe|>'), translate: layout.idOf('<|translate|>') },
    max_initial_timestamp_index: 50,
    max_length: TARGET_POSITIONS,
    no_timestamps_token_id: layout.idOf('<|notimestamps|>'),
    prev_sot_token_id: layout.idOf('<|startofprev|>'),
    return_timestamps: false,
    suppress_tokens: [],
  };
}

export function preprocessorConfigJson(): object {
  return {
    chunk_length: CHUNK_LENGTH_S,
    feature_extractor_type: 'WhisperFeatureExtractor',
    feature_size: MEL_BINS,
    hop_length: HOP_LENGTH,
    n_fft: N_FFT,
    n_samples: CHUNK_LENGTH_S * SAMPLE_RATE_HZ,
    nb_max_frames: MEL_FRAMES,
    padding_side: 'right',
    padding_value: 0.0,
    processor_class: 'WhisperProcessor',
    return_attention_mask: false,
    sampling_rate: SAMPLE_RATE_HZ,
  };
}
