import { describe, expect, it } from 'vitest';
import { hubFileUrl, resolveHubBaseUrl } from './hubUrl';

describe('hub URLs', () => {
  it('prefers --base-url, then HF_ENDPOINT, then the hub', () => {
    expect(resolveHubBaseUrl('http://mirror.local/', { HF_ENDPOINT: 'https://hf-mirror.com' })).toBe('http://mirror.local');
    expect(resolveHubBaseUrl(undefined, { HF_ENDPOINT: 'https://hf-mirror.com/' })).toBe('https://hf-mirror.com');
    expect(resolveHubBaseUrl(undefined, {})).toBe('https://huggingface.co');
  });

  it('builds /<repo>/resolve/<revision>/<path>', () => {
    expect(hubFileUrl('https://huggingface.co', 'onnx-community/whisper-base', 'main', 'onnx/encoder_model.onnx')).toBe(
      'https://huggingface.co/onnx-community/whisper-base/resolve/main/onnx/encoder_model.onnx',
    );
  });
});
