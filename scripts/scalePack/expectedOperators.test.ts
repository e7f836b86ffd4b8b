import { describe, expect, it } from 'vitest';
import { EXPECTED_OPERATORS, operatorMismatches } from './expectedOperators';

describe('the scale graphs\' operator counts', () => {
  it('are the published layouts\' arithmetic: SmolLM2 quantises 7 projections in 32 layers plus its LM head copy', () => {
    expect(EXPECTED_OPERATORS['scale/SmolLM2-360M-Instruct']?.['onnx/model_q4.onnx']).toEqual({ MatMulNBits: 225, Softmax: 32 });
    expect(EXPECTED_OPERATORS['scale/Qwen2.5-0.5B-Instruct']?.['onnx/model_q4.onnx']).toEqual({ MatMulNBits: 168, Softmax: 24 });
    expect(EXPECTED_OPERATORS['scale/whisper-base']?.['onnx/encoder_model_quantized.onnx']).toEqual({ MatMulInteger: 36, ConvInteger: 2 });
  });

  it('names each operator whose count differs, and nothing when they agree', () => {
    expect(operatorMismatches('scale/whisper-tiny', 'onnx/decoder_model_merged_q4.onnx', { MatMulNBits: 41, If: 1, Add: 3 })).toEqual([]);
    expect(operatorMismatches('scale/whisper-tiny', 'onnx/decoder_model_merged_q4.onnx', { MatMulNBits: 40 })).toEqual([
      'scale/whisper-tiny/onnx/decoder_model_merged_q4.onnx: 40 MatMulNBits, the architecture has 41',
      'scale/whisper-tiny/onnx/decoder_model_merged_q4.onnx: 0 If, the architecture has 1',
    ]);
  });
});
