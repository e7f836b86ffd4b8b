import { describe, expect, it } from 'vitest';
import type { Pack } from '../../src/models/manifest';
import { roleFilesBytes, runningDtype, runningFilesBytes } from './firstVisitFiles';

const file = (path: string, sizeBytes: number, dtype?: string) => ({ path, sizeBytes, sha256: null, verified: false, ...(dtype ? { dtype } : {}) });
const source = { kind: 'generated', script: 'make:tiny-pack' };
const licence = { spdx: 'MIT' };

/** A hand-made pack: sizes chosen so that every sum below is obvious. */
const PACK = {
  description: 'test',
  components: {
    vad: { modelId: 'vad', source, licence, dtype: { webgpu: 'fp32', wasm: 'fp32' }, files: [file('vad/v.onnx', 1)] },
    asr: {
      modelId: 'asr', source, licence,
      dtype: { webgpu: { encoder_model: 'fp32', decoder_model_merged: 'q4' }, wasm: { encoder_model: 'q8', decoder_model_merged: 'q4' } },
      files: [file('asr/config.json', 10), file('asr/onnx/encoder_model.onnx', 100, 'fp32'), file('asr/onnx/encoder_model_quantized.onnx', 1000, 'q8'), file('asr/onnx/decoder_model_merged_q4.onnx', 10_000, 'q4')],
    },
    llm: {
      modelId: 'llm', source, licence,
      dtype: { webgpu: 'q4f16', webgpuNoF16: 'q4', wasm: 'q4' },
      files: [file('llm/onnx/model_q4.onnx', 100_000, 'q4'), file('llm/onnx/model_q4f16.onnx', 1_000_000, 'q4f16')],
    },
    tts: { modelId: 'tts', source, licence, dtype: { webgpu: 'fp32', wasm: 'q8' }, files: [file('tts/onnx/model.onnx', 10_000_000, 'fp32'), file('tts/onnx/model_quantized.onnx', 100_000_000, 'q8')] },
  },
} as unknown as Pack;

describe('runningDtype', () => {
  it('takes the f16-free dtype on an adapter without shader-f16, and wasm its own', () => {
    expect(runningDtype(PACK.components.llm, 'webgpu', true)).toBe('q4f16');
    expect(runningDtype(PACK.components.llm, 'webgpu', false)).toBe('q4');
    expect(runningDtype(PACK.components.tts, 'wasm', true)).toBe('q8');
  });
});

describe('runningFilesBytes', () => {
  it('sums the files of the dtype each component runs, shared files included', () => {
    // vad 1 + asr config 10 + fp32 encoder 100 + q4 decoder 10_000 + llm q4 100_000 + tts fp32 10_000_000.
    expect(runningFilesBytes(PACK, { asr: 'webgpu', llm: 'webgpu', tts: 'webgpu' }, 'webgpu', false)).toBe(10_110_111);
    // A TTS that failed its check runs q8 on wasm; the LLM on an f16 adapter runs q4f16.
    expect(runningFilesBytes(PACK, { asr: 'webgpu', llm: 'webgpu', tts: 'wasm' }, 'webgpu', true)).toBe(101_010_111);
    // Everything on wasm: the q8 encoder.
    expect(runningFilesBytes(PACK, {}, 'wasm', true)).toBe(100_111_011);
  });
});

describe('roleFilesBytes', () => {
  it('gives each component the files of its own device and dtype', () => {
    expect(roleFilesBytes(PACK, { tts: 'wasm' }, 'webgpu', false)).toEqual({ vad: 1, asr: 10_110, llm: 100_000, tts: 100_000_000 });
  });
});
