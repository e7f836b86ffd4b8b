import { describe, expect, it } from 'vitest';
import { fileRunsWith, moduleOfFile, packFilesThatRun, parseManifest, type ModelFile } from './manifest';

const file = (path: string, dtype?: ModelFile['dtype']): ModelFile => ({ path, sizeBytes: 1, sha256: null, verified: false, ...(dtype ? { dtype } : {}) });

describe('which files run', () => {
  it('finds the module of a dtype-specific file', () => {
    expect(moduleOfFile(file('m/onnx/encoder_model_quantized.onnx', 'q8'))).toBe('encoder_model');
    expect(moduleOfFile(file('m/onnx/decoder_model_merged_q4.onnx', 'q4'))).toBe('decoder_model_merged');
    expect(moduleOfFile(file('m/onnx/model.onnx', 'fp32'))).toBe('model');
    expect(moduleOfFile(file('m/tokenizer.json'))).toBeNull();
  });

  it('keeps shared files and the files of the chosen dtypes only', () => {
    const whisperOnWasm = [{ encoder_model: 'q8', decoder_model_merged: 'q4' }] as const;
    expect(fileRunsWith(file('m/tokenizer.json'), whisperOnWasm)).toBe(true);
    expect(fileRunsWith(file('m/onnx/encoder_model_quantized.onnx', 'q8'), whisperOnWasm)).toBe(true);
    expect(fileRunsWith(file('m/onnx/encoder_model.onnx', 'fp32'), whisperOnWasm)).toBe(false);
    expect(fileRunsWith(file('m/onnx/model_q4f16.onnx', 'q4f16'), ['q4'])).toBe(false);
    expect(fileRunsWith(file('m/onnx/model_q4f16.onnx', 'q4f16'), ['q4f16', 'q4'])).toBe(true);
  });

  it('leaves out a pack dtype no device runs (Kokoro fp32 where both devices run q8)', () => {
    const component = (modelId: string, files: ModelFile[], dtype: object) => ({ modelId, source: { kind: 'generated', script: 's' }, licence: { spdx: 'MIT' }, dtype, files });
    const manifest = parseManifest({
      schemaVersion: 1,
      packs: {
        p: {
          description: 'd',
          components: {
            vad: component('vad', [file('vad/v.onnx', 'fp32')], { webgpu: 'fp32', wasm: 'fp32' }),
            asr: component('a', [file('a/onnx/encoder_model.onnx', 'fp32'), file('a/onnx/encoder_model_quantized.onnx', 'q8')], { webgpu: { encoder_model: 'fp32' }, wasm: { encoder_model: 'q8' } }),
            llm: component('l', [file('l/onnx/model_q4.onnx', 'q4'), file('l/onnx/model_q4f16.onnx', 'q4f16')], { webgpu: 'q4f16', webgpuNoF16: 'q4', wasm: 'q4' }),
            tts: component('k', [file('k/onnx/model.onnx', 'fp32'), file('k/onnx/model_quantized.onnx', 'q8'), file('k/voices/af.bin')], { webgpu: 'q8', wasm: 'q8' }),
          },
        },
      },
    });
    expect(packFilesThatRun(manifest, 'p').map(({ file: { path } }) => path)).toEqual([
      'vad/v.onnx', 'a/onnx/encoder_model.onnx', 'a/onnx/encoder_model_quantized.onnx', 'l/onnx/model_q4.onnx', 'l/onnx/model_q4f16.onnx', 'k/onnx/model_quantized.onnx', 'k/voices/af.bin',
    ]);
    // A page whose LLM runs q4 on wasm caches no q4f16.
    const onWasm = packFilesThatRun(manifest, 'p', ({ role, component: c }) => (role === 'llm' ? ['q4'] : [c.dtype.wasm]));
    expect(onWasm.map(({ file: { path } }) => path)).toEqual(['vad/v.onnx', 'a/onnx/encoder_model_quantized.onnx', 'l/onnx/model_q4.onnx', 'k/onnx/model_quantized.onnx', 'k/voices/af.bin']);
  });
});
