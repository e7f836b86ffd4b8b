// config.json and generation_config.json of a scale Whisper: the tiny pack's files (the real repos' fields) with
// the checkpoint's dimensions and the real generation lists (suppress_tokens, forced_decoder_ids, alignment heads).
import { generationConfigJson, modelConfigJson } from '../../tinyPack/whisper/configFiles';
import type { TokenizerLayout } from '../../tinyPack/whisper/tokenizerLayout';
import { MEL_BINS, SOURCE_POSITIONS, TARGET_POSITIONS, type WhisperArchitecture } from './architectures';

/** openai/whisper-{tiny,base} generation_config.json suppress_tokens (non-speech symbols and control tokens). */
export const SUPPRESS_TOKENS = [
  1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92, 93, 359, 503, 522, 542, 873, 893, 902, 918, 922, 931, 1350,
  1853, 1982, 2460, 2627, 3246, 3253, 3268, 3536, 3846, 3961, 4183, 4667, 6585, 6647, 7273, 9061, 9383, 10428, 10929, 11938, 12033, 12331,
  12562, 13793, 14157, 14635, 15265, 15618, 16553, 16604, 18362, 18956, 20075, 21675, 22520, 26130, 26161, 26435, 28279, 29464, 31650,
  32302, 32470, 36865, 42863, 47425, 49870, 50254, 50258, 50358, 50359, 50360, 50361, 50362,
];

export function scaleModelConfigJson(a: WhisperArchitecture, layout: TokenizerLayout): object {
  return {
    ...modelConfigJson(layout),
    _name_or_path: a.name,
    d_model: a.dModel,
    encoder_layers: a.encoderLayers,
    decoder_layers: a.decoderLayers,
    num_hidden_layers: a.encoderLayers,
    encoder_attention_heads: a.heads,
    decoder_attention_heads: a.heads,
    encoder_ffn_dim: a.ffnDim,
    decoder_ffn_dim: a.ffnDim,
    num_mel_bins: MEL_BINS,
    max_source_positions: SOURCE_POSITIONS,
    max_target_positions: TARGET_POSITIONS,
    suppress_tokens: SUPPRESS_TOKENS,
  };
}

export function scaleGenerationConfigJson(a: WhisperArchitecture, layout: TokenizerLayout): object {
  return {
    ...generationConfigJson(layout),
    alignment_heads: a.alignmentHeads,
    // Unused by transformers.js 4 (it builds the prefix from language/task) but present in the real file.
    forced_decoder_ids: [[1, null], [2, layout.idOf('<|transcribe|>')]],
    suppress_tokens: SUPPRESS_TOKENS,
  };
}
