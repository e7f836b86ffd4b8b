import { llmTextConfig, llmGenerationConfig } from './llmConfig';
import { llmWeights } from './llmDesign';
import { decoderModel } from './llmGraph';
import { llmTokenizerConfig, llmTokenizerJson } from './llmTokenizer';
import { packJson, writePackFile } from './packFiles';

/**
 * Writes the tiny instruct LLM in transformers.js' decoder-only layout (Qwen2ForCausalLM: one onnx/model.onnx).
 * Greedy replies are designed, see llmDesign.ts. Returns the written pack-relative paths.
 */
export async function writeTinyLlm(modelDir: string): Promise<string[]> {
  const weights = llmWeights();
  const config = { architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', ...llmTextConfig(weights.vocabulary.length) };
  return Promise.all([
    writePackFile(modelDir, 'config.json', packJson(config)),
    writePackFile(modelDir, 'generation_config.json', packJson(llmGenerationConfig(weights.vocabulary))),
    writePackFile(modelDir, 'tokenizer.json', packJson(llmTokenizerJson(weights.vocabulary))),
    writePackFile(modelDir, 'tokenizer_config.json', packJson(llmTokenizerConfig())),
    writePackFile(modelDir, 'onnx/model.onnx', decoderModel(weights)),
  ]);
}
