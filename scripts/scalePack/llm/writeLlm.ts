// Writers of the scale packs' LLM folders: configs, tokenizer, and one graph per dtype, built one at a time so
// that only one model's tensors are in memory.
import { dtypeFileName } from '../../../src/models/manifest';
import { packJson, writePackFile } from '../../tinyPack/packFiles';
import type { GraphReport, ScaleModel, WrittenScaleModel } from '../scaleModel';
import type { LlmArchitecture } from './architectures';
import { buildDecoder, buildEmbedTokens, type BuiltGraph, type LlmFormat } from './decoderGraph';
import { llmConfig, llmEmbedsConfig, llmGenerationConfig, type TokenIds } from './llmConfigs';
import { tokenizerFiles, type TokenizerDesign } from './tokenizers';

/** Exact config arithmetic: only rounding of the public figure is tolerated. */
const PARAMETER_TOLERANCE = 0.001;

export interface ScaleLlmSpec {
  architecture: LlmArchitecture;
  tokenizer: TokenizerDesign;
  ids: TokenIds;
}

function report(a: LlmArchitecture, file: string, dtype: LlmFormat, built: BuiltGraph): GraphReport {
  return {
    file,
    dtype,
    parameters: built.parameters,
    expectedParameters: a.publicParameters,
    expectedSource: a.publicParametersSource,
    parameterTolerance: PARAMETER_TOLERANCE,
    opHistogram: built.opHistogram,
  };
}

async function writeTextFiles(modelDir: string, spec: ScaleLlmSpec, config: Record<string, unknown>): Promise<string[]> {
  const { tokenizerJson, tokenizerConfig } = tokenizerFiles(spec.tokenizer);
  return Promise.all([
    writePackFile(modelDir, 'config.json', packJson(config)),
    writePackFile(modelDir, 'generation_config.json', packJson(llmGenerationConfig(spec.architecture, spec.ids))),
    writePackFile(modelDir, 'tokenizer.json', packJson(tokenizerJson)),
    writePackFile(modelDir, 'tokenizer_config.json', packJson(tokenizerConfig)),
  ]);
}

/** The decoder-only layout transformers.js loads for text chat: onnx/model_{dtype}.onnx. */
export function scaleLlm(modelId: string, spec: ScaleLlmSpec, formats: LlmFormat[] = ['int8', 'q4', 'q4f16']): ScaleModel {
  return {
    modelId,
    async write(modelDir: string, seed: number): Promise<WrittenScaleModel> {
      const files = await writeTextFiles(modelDir, spec, llmConfig(spec.architecture, spec.ids));
      const graphs: GraphReport[] = [];
      for (const format of formats) {
        const built = buildDecoder(spec.architecture, format, seed, { input: 'ids' });
        const file = await writePackFile(modelDir, dtypeFileName('model', format), built.bytes);
        files.push(file);
        graphs.push(report(spec.architecture, file, format, built));
      }
      return { files, graphs };
    },
  };
}

/**
 * ES4R's speech-path layout of the same LLM: onnx/embed_tokens_{dtype}.onnx + onnx/decoder_model_merged_{dtype}.onnx
 * (see scripts/tinyPack/llmEmbeds.ts for why it poses as Gemma3ForConditionalGeneration). q4 only by default: the
 * speech path feeds float32 inputs_embeds, which a q4f16 decoder (float16 inputs) would refuse.
 */
export function scaleLlmEmbeds(modelId: string, spec: ScaleLlmSpec, formats: LlmFormat[] = ['int8', 'q4']): ScaleModel {
  return {
    modelId,
    async write(modelDir: string, seed: number): Promise<WrittenScaleModel> {
      const files = await writeTextFiles(modelDir, spec, llmEmbedsConfig(spec.architecture, spec.ids));
      const graphs: GraphReport[] = [];
      for (const format of formats) {
        const embed = buildEmbedTokens(spec.architecture, format, seed);
        const embedFile = await writePackFile(modelDir, dtypeFileName('embed_tokens', format), embed.bytes);
        const decoder = buildDecoder(spec.architecture, format, seed, { input: 'embeds' });
        const decoderFile = await writePackFile(modelDir, dtypeFileName('decoder_model_merged', format), decoder.bytes);
        files.push(embedFile, decoderFile);
        // embed_tokens holds only the table; the decoder's report counts the whole checkpoint.
        graphs.push({ ...report(spec.architecture, embedFile, format, embed), expectedParameters: spec.architecture.vocab * spec.architecture.hidden, expectedSource: 'the embedding table: vocab_size x hidden_size' });
        graphs.push(report(spec.architecture, decoderFile, format, decoder));
      }
      return { files, graphs };
    },
  };
}
