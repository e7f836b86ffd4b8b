// The scale packs' LLMs: SmolLM2-360M-Instruct (lite) and Qwen2.5-0.5B-Instruct (default), each in the text layout
// and in the speech path's embeddings-in layout.
import { QWEN25_05B, SMOLLM2_360M } from './architectures';
import { QWEN25_TOKENIZER, SMOLLM2_TOKENIZER, specialTokenId } from './tokenizers';
import { scaleLlm, scaleLlmEmbeds, type ScaleLlmSpec } from './writeLlm';

export const smolLm2Spec: ScaleLlmSpec = {
  architecture: SMOLLM2_360M,
  tokenizer: SMOLLM2_TOKENIZER,
  ids: {
    bos: specialTokenId(SMOLLM2_TOKENIZER, '<|im_start|>'),
    eos: specialTokenId(SMOLLM2_TOKENIZER, '<|im_end|>'),
    pad: specialTokenId(SMOLLM2_TOKENIZER, '<|im_end|>'),
    generationEos: specialTokenId(SMOLLM2_TOKENIZER, '<|im_end|>'),
  },
};

const qwen25Spec: ScaleLlmSpec = {
  architecture: QWEN25_05B,
  tokenizer: QWEN25_TOKENIZER,
  ids: {
    bos: specialTokenId(QWEN25_TOKENIZER, '<|endoftext|>'),
    eos: specialTokenId(QWEN25_TOKENIZER, '<|im_end|>'),
    pad: specialTokenId(QWEN25_TOKENIZER, '<|endoftext|>'),
    generationEos: [specialTokenId(QWEN25_TOKENIZER, '<|im_end|>'), specialTokenId(QWEN25_TOKENIZER, '<|endoftext|>')],
  },
};

export const smolLm2Scale = scaleLlm('scale/SmolLM2-360M-Instruct', smolLm2Spec);
export const qwen25Scale = scaleLlm('scale/Qwen2.5-0.5B-Instruct', qwen25Spec);
export const smolLm2EmbedsScale = scaleLlmEmbeds('scale/SmolLM2-360M-Instruct-embeds', smolLm2Spec);
export const qwen25EmbedsScale = scaleLlmEmbeds('scale/Qwen2.5-0.5B-Instruct-embeds', qwen25Spec);
