import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../state/settingsSlice';
import { sessionProvenance } from './provenance';

const settings = { ...DEFAULT_SETTINGS, tauDb: 4.5, benchmarkReplyTokens: 40 };

describe('sessionProvenance', () => {
  const provenance = sessionProvenance({
    app: { version: '0.1.0', commit: 'abc123' },
    pack: 'lite',
    components: {
      tts: { modelId: 'lite/kokoro', source: 'hub onnx-community/Kokoro-82M-v1.0-ONNX@main (revision not pinned)', status: 'ready', files: {}, dtype: 'q8', device: 'wasm', reason: 'the WebGPU self-check differed from wasm (max 0.4)' },
      asr: { modelId: 'lite/whisper-tiny', source: 'hub onnx-community/whisper-tiny@0123', status: 'ready', files: {}, dtype: { encoder_model: 'fp32', decoder_model_merged: 'q4' }, device: 'webgpu', reason: 'WebGPU agreed with wasm' },
      llm: { modelId: 'lite/smollm2', status: 'error', files: {}, error: 'out of memory' },
    },
    speechPath: { status: 'absent', detail: 'This pack has no ES4R component; replies come from the text path.' },
    settings,
    echoCancellationGranted: 'all',
    userAgent: 'Mozilla/5.0 Chrome/156',
  });

  it('lists every loaded model in pipeline order with its source, dtype, device and the reason for the device', () => {
    expect(provenance.models.map((m) => m.role)).toEqual(['asr', 'llm', 'tts']);
    expect(provenance.models[0]).toEqual({
      role: 'asr',
      modelId: 'lite/whisper-tiny',
      source: 'hub onnx-community/whisper-tiny@0123',
      status: 'ready',
      dtype: { encoder_model: 'fp32', decoder_model_merged: 'q4' },
      device: 'webgpu',
      deviceReason: 'WebGPU agreed with wasm',
    });
    expect(provenance.models[1]).toMatchObject({ role: 'llm', status: 'error', source: null, dtype: null, device: null });
    expect(provenance.models[2]).toMatchObject({ device: 'wasm', deviceReason: expect.stringMatching(/self-check differed/) });
  });

  it('keeps the build, pack, speech path, reply-shaping settings and browser, but not the benchmark-only switch', () => {
    expect(provenance).toMatchObject({ app: { version: '0.1.0', commit: 'abc123' }, pack: 'lite', speechPath: { status: 'absent', source: null }, userAgent: 'Mozilla/5.0 Chrome/156' });
    expect(provenance.settings).toMatchObject({ tauDb: 4.5, answerPath: 'auto', maxNewTokens: settings.maxNewTokens, maxPromptTokens: settings.maxPromptTokens, cues: settings.cues });
    expect('benchmarkReplyTokens' in provenance.settings).toBe(false);
    expect(provenance.echoCancellation).toEqual({ requested: true, granted: 'all' });
  });
});
