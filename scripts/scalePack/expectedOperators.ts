// The operator counts each scale graph must have, derived from its architecture (layers x the projections each
// layer quantises), so a generator change that drops or adds a layer or a quantised projection is caught.
import { QWEN25_05B, SMOLLM2_360M, type LlmArchitecture } from './llm/architectures';
import { SMOLLM2_360M_SHALLOW, WHISPER_TINY_SHALLOW } from './shallowArchitectures';
import { WHISPER_BASE, WHISPER_TINY, type WhisperArchitecture } from './whisper/architectures';

type OperatorCounts = Record<string, number>;

/**
 * q, k, v, o, gate, up, down per layer; the LM head too when the file keeps a quantised copy of the table, which the
 * embeddings-in decoder always does (its table lives in embed_tokens).
 */
function llmOperators(a: LlmArchitecture, layout: 'text' | 'embeds' = 'text'): OperatorCounts {
  const quantizedHead = layout === 'embeds' || a.lmHead === 'quantizedCopy';
  return { MatMulNBits: 7 * a.layers + (quantizedHead ? 1 : 0), Softmax: a.layers };
}

/** int8: the same projections and the LM head as MatMulInteger, one activation quantizer per distinct input (4 a layer, and the head's). */
function llmInt8Operators(a: LlmArchitecture): OperatorCounts {
  return { MatMulInteger: 7 * a.layers + 1, DynamicQuantizeLinear: 4 * a.layers + 1, Softmax: a.layers };
}

/** Encoder: q, k, v, out, fc1, fc2 per layer (+ scores and context MatMuls in float), two convs. */
function whisperEncoderOperators(a: WhisperArchitecture, quantized: boolean): OperatorCounts {
  return quantized ? { MatMulInteger: 6 * a.encoderLayers, ConvInteger: 2 } : { MatMul: 8 * a.encoderLayers, Conv: 2 };
}

/** Decoder: self q, k, v, out, cross q, out, cross k, v (outside the If), fc1, fc2 per layer, and the tied projection. */
function whisperDecoderOperators(a: WhisperArchitecture, format: 'q4' | 'int8' = 'q4'): OperatorCounts {
  return { [format === 'q4' ? 'MatMulNBits' : 'MatMulInteger']: 10 * a.decoderLayers + 1, If: 1 };
}

/** Kokoro: the text encoder's, the duration encoder's three, the predictor's and the shared bidirectional LSTMs. */
const KOKORO_LSTMS = 6;

export const EXPECTED_OPERATORS: Record<string, Record<string, OperatorCounts>> = {
  'scale/whisper-tiny': {
    'onnx/encoder_model.onnx': whisperEncoderOperators(WHISPER_TINY, false),
    'onnx/encoder_model_quantized.onnx': whisperEncoderOperators(WHISPER_TINY, true),
    'onnx/decoder_model_merged_q4.onnx': whisperDecoderOperators(WHISPER_TINY),
    'onnx/decoder_model_merged_int8.onnx': whisperDecoderOperators(WHISPER_TINY, 'int8'),
  },
  'scale/whisper-base': {
    'onnx/encoder_model.onnx': whisperEncoderOperators(WHISPER_BASE, false),
    'onnx/encoder_model_quantized.onnx': whisperEncoderOperators(WHISPER_BASE, true),
    'onnx/decoder_model_merged_q4.onnx': whisperDecoderOperators(WHISPER_BASE),
    'onnx/decoder_model_merged_int8.onnx': whisperDecoderOperators(WHISPER_BASE, 'int8'),
  },
  'scale/SmolLM2-360M-Instruct': {
    'onnx/model_int8.onnx': llmInt8Operators(SMOLLM2_360M),
    'onnx/model_q4.onnx': llmOperators(SMOLLM2_360M),
    'onnx/model_q4f16.onnx': llmOperators(SMOLLM2_360M),
  },
  'scale/Qwen2.5-0.5B-Instruct': {
    'onnx/model_int8.onnx': llmInt8Operators(QWEN25_05B),
    'onnx/model_q4.onnx': llmOperators(QWEN25_05B),
    'onnx/model_q4f16.onnx': llmOperators(QWEN25_05B),
  },
  'scale/SmolLM2-360M-Instruct-embeds': {
    'onnx/decoder_model_merged_int8.onnx': llmInt8Operators(SMOLLM2_360M),
    'onnx/decoder_model_merged_q4.onnx': llmOperators(SMOLLM2_360M, 'embeds'),
  },
  'scale/Qwen2.5-0.5B-Instruct-embeds': {
    'onnx/decoder_model_merged_int8.onnx': llmInt8Operators(QWEN25_05B),
    'onnx/decoder_model_merged_q4.onnx': llmOperators(QWEN25_05B, 'embeds'),
  },
  'scale/whisper-tiny-shallow': {
    'onnx/encoder_model.onnx': whisperEncoderOperators(WHISPER_TINY_SHALLOW, false),
    'onnx/encoder_model_quantized.onnx': whisperEncoderOperators(WHISPER_TINY_SHALLOW, true),
    'onnx/decoder_model_merged_q4.onnx': whisperDecoderOperators(WHISPER_TINY_SHALLOW),
    'onnx/decoder_model_merged_int8.onnx': whisperDecoderOperators(WHISPER_TINY_SHALLOW, 'int8'),
  },
  'scale/SmolLM2-360M-Instruct-shallow': {
    'onnx/model_int8.onnx': llmInt8Operators(SMOLLM2_360M_SHALLOW),
    'onnx/model_q4.onnx': llmOperators(SMOLLM2_360M_SHALLOW),
    'onnx/model_q4f16.onnx': llmOperators(SMOLLM2_360M_SHALLOW),
  },
  'scale/Kokoro-82M-v1.0-ONNX': {
    'onnx/model.onnx': { LSTM: KOKORO_LSTMS },
    'onnx/model_quantized.onnx': { DynamicQuantizeLSTM: KOKORO_LSTMS },
  },
};

/** One line per operator whose count differs from the architecture's; empty when all agree. */
export function operatorMismatches(modelId: string, file: string, histogram: Record<string, number>): string[] {
  const expected = EXPECTED_OPERATORS[modelId]?.[file] ?? {};
  return Object.entries(expected)
    .filter(([op, count]) => (histogram[op] ?? 0) !== count)
    .map(([op, count]) => `${modelId}/${file}: ${histogram[op] ?? 0} ${op}, the architecture has ${count}`);
}
