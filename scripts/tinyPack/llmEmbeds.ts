import { llmGenerationConfig, llmTextConfig } from './llmConfig';
import { llmWeights } from './llmDesign';
import { decoderFromEmbedsModel, embedTokensModel } from './llmGraph';
import { llmTokenizerConfig, llmTokenizerJson } from './llmTokenizer';
import { packJson, writePackFile } from './packFiles';

/**
 * Writes the same tiny LLM split as onnx/embed_tokens.onnx + onnx/decoder_model_merged.onnx, so that a later stage can
 * feed its own vectors as inputs_embeds. transformers.js text-only classes only load `model.onnx`; this layout loads
 * through AutoModelForCausalLM when config.architectures names a ...ForConditionalGeneration class of an image-text
 * model type: here Gemma3ForConditionalGeneration, whose text-only mode (Gemma3ForCausalLM) opens exactly these two
 * sessions and calls embed_tokens then decoder_model_merged. Gemma3 numbers positions from 1; RoPE attention only
 * sees relative positions, so the replies equal writeTinyLlm's. Returns the written pack-relative paths.
 */
export async function writeTinyLlmEmbeds(modelDir: string): Promise<string[]> {
  const weights = llmWeights();
  const config = {
    architectures: ['Gemma3ForConditionalGeneration'],
    model_type: 'gemma3',
    text_config: { model_type: 'gemma3_text', ...llmTextConfig(weights.vocabulary.length) },
    eos_token_id: 2,
    pad_token_id: 0,
  };
  return Promise.all([
    writePackFile(modelDir, 'config.json', packJson(config)),
    writePackFile(modelDir, 'generation_config.json', packJson(llmGenerationConfig(weights.vocabulary))),
    writePackFile(modelDir, 'tokenizer.json', packJson(llmTokenizerJson(weights.vocabulary))),
    writePackFile(modelDir, 'tokenizer_config.json', packJson(llmTokenizerConfig())),
    writePackFile(modelDir, 'onnx/embed_tokens.onnx', embedTokensModel(weights)),
    writePackFile(modelDir, 'onnx/decoder_model_merged.onnx', decoderFromEmbedsModel(weights)),
  ]);
}
