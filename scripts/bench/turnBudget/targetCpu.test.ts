import { describe, expect, it } from 'vitest';
import { busyOf } from './targetCpu';

describe('busyOf', () => {
  it('sums the sampled time outside idle and waiting, and ranks functions by self time', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '' } },
        { id: 2, callFrame: { functionName: '(idle)', url: '' } },
        { id: 3, callFrame: { functionName: 'wait', url: '' } },
        { id: 4, callFrame: { functionName: 'wasm-function[12]', url: 'ort.wasm' } },
        { id: 5, callFrame: { functionName: '', url: 'http://x/worker.js' } },
      ],
      samples: [2, 4, 4, 3, 5, 4, 2],
      timeDeltas: [5000, 1000, 1500, 7000, 500, 2000, 9000],
    };
    expect(busyOf('tts', profile)).toEqual({
      label: 'tts',
      busyMs: 5,
      top: [
        { name: 'wasm-function[12]', selfMs: 4.5 },
        { name: '(anonymous worker.js)', selfMs: 0.5 },
      ],
    });
  });
});
