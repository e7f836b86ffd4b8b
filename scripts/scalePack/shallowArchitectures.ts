// scale-lite's Whisper-tiny and SmolLM2-360M cut to one layer for the scale-shallow set: every width, head count and
// dtype stays; only the depth (and the LLM's vocabulary) shrinks.
import { checkpointParameters, SMOLLM2_360M, type LlmArchitecture } from './llm/architectures';
import { WHISPER_TINY, type WhisperArchitecture } from './whisper/architectures';

/** Rows of the shallow LLM's vocabulary: SmolLM2's 17 specials, the 256 byte tokens and 239 learned merges. */
export const SHALLOW_LLM_VOCAB = 512;

/** Whisper-tiny at one encoder and one decoder layer; its alignment heads are the one decoder layer's heads. */
export const WHISPER_TINY_SHALLOW: WhisperArchitecture = {
  ...WHISPER_TINY,
  encoderLayers: 1,
  decoderLayers: 1,
  alignmentHeads: Array.from({ length: WHISPER_TINY.heads }, (_, head): [number, number] => [0, head]),
};

const smolLm2Shallow = { ...SMOLLM2_360M, layers: 1, vocab: SHALLOW_LLM_VOCAB, maxPositions: 2048 };
export const SMOLLM2_360M_SHALLOW: LlmArchitecture = {
  ...smolLm2Shallow,
  publicParameters: checkpointParameters(smolLm2Shallow),
  publicParametersSource: 'config arithmetic of SmolLM2-360M-Instruct at 1 layer and a 512-row vocabulary',
};
