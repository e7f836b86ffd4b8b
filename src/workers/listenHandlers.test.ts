import { describe, expect, it } from 'vitest';
import type { FeatureBatch } from '../audio/featureBatch';
import type { ListenEvent } from '../turns/listenEngine';
import { createListenHandlers, type StreamEngine } from './listenHandlers';
import type { CallContext, Progress } from './protocol';
import type { ListenUpdate } from './listenApi';

function batchOf(firstFrame: number, energy: number[]): FeatureBatch {
  return { pcm16k: new Float32Array(480), firstSample: firstFrame * 160, logMel: new Float32Array(energy.length * 80), energy: Float32Array.from(energy), firstFrame, nMels: 80 };
}

/** An engine that reports a speech start on the first batch and a misfire on flush. */
class ScriptedEngine implements StreamEngine {
  readonly pushedFrames: number[] = [];
  async push(batch: FeatureBatch): Promise<ListenEvent[]> {
    this.pushedFrames.push(batch.firstFrame);
    await new Promise((resolve) => setTimeout(resolve, 5 - this.pushedFrames.length));
    return [
      { type: 'vad', probability: 0.9, atMs: batch.firstFrame * 10 },
      ...(this.pushedFrames.length === 1 ? [{ type: 'speechStart', onsetMs: 0, continued: false } as const] : []),
    ];
  }
  async flush(): Promise<ListenEvent[]> {
    return [{ type: 'misfire', onsetMs: 0, offsetMs: 90 }];
  }
  inputLost(): ListenEvent[] {
    return [];
  }
}

function recordingContext(): { context: CallContext<ListenUpdate>; updates: ListenUpdate[]; progress: Progress[] } {
  const updates: ListenUpdate[] = [];
  const progress: Progress[] = [];
  return {
    updates,
    progress,
    context: { signal: new AbortController().signal, chunk: (update) => updates.push(update), progress: (p) => progress.push(p) },
  };
}

describe('listen worker handlers', () => {
  it('refuses to listen before the VAD is loaded', async () => {
    const handlers = createListenHandlers({ loadVad: async () => {}, createEngine: () => new ScriptedEngine() });
    const { port2 } = new MessageChannel();
    await expect(handlers.listen({ batches: port2, nMels: 80, segmenter: {} }, recordingContext().context)).rejects.toThrow('call load first');
    port2.close();
  });

  it('processes batches in order, streams levels and events, and flushes on finish', async () => {
    const engine = new ScriptedEngine();
    const handlers = createListenHandlers({
      loadVad: async (_url, onProgress) => onProgress(10, 20),
      createEngine: () => engine,
    });
    const load = recordingContext();
    await handlers.load({ vadModelUrl: '/models/vad/v.onnx' }, load.context);
    expect(load.progress).toEqual([{ stage: 'vad', loadedBytes: 10, totalBytes: 20 }]);

    const { port1, port2 } = new MessageChannel();
    const { context, updates } = recordingContext();
    const listening = handlers.listen({ batches: port2, nMels: 80, segmenter: {} }, context);
    port1.postMessage(batchOf(0, [1, 0.01, 0.001]));
    port1.postMessage(batchOf(3, [1e-4, 1e-4, 1e-4]));
    port1.postMessage(batchOf(6, [0, 0, 0]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await handlers.finish({ reason: 'stopped' }, recordingContext().context);
    await expect(listening).resolves.toEqual({ batches: 3 });
    port1.close();

    expect(engine.pushedFrames).toEqual([0, 3, 6]);
    // The level is the loudest frame's energy in dB: 10 log10(1) = 0, 10 log10(1e-4) = -40, silence -> -200 floor.
    const levelsDb = updates.flatMap((u) => (u.type === 'level' ? [u.levelDb] : []));
    expect(levelsDb).toHaveLength(3);
    [0, -40, -200].forEach((expectedDb, i) => expect(levelsDb[i]).toBeCloseTo(expectedDb, 5));
    expect(updates.filter((u) => u.type !== 'level').map((u) => u.type)).toEqual(['speechStart', 'misfire']);
  });

  it('reports the input level every 3 frames (30 ms) when batches are single frames, as the loudest of them', async () => {
    const handlers = createListenHandlers({ loadVad: async () => {}, createEngine: () => new ScriptedEngine() });
    await handlers.load({ vadModelUrl: '/models/vad/v.onnx' }, recordingContext().context);
    const { port1, port2 } = new MessageChannel();
    const { context, updates } = recordingContext();
    const listening = handlers.listen({ batches: port2, nMels: 80, segmenter: {} }, context);
    [1e-4, 1, 1e-2, 1e-6, 1e-6, 1e-3, 1e-5].forEach((energy, frame) => port1.postMessage(batchOf(frame, [energy])));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await handlers.finish({ reason: 'stopped' }, recordingContext().context);
    await listening;
    port1.close();
    // Frames 0-2 -> loudest 1 (0 dB), frames 3-5 -> 1e-3 (-30 dB); frame 6 waits for two more.
    const levelsDb = updates.flatMap((u) => (u.type === 'level' ? [u.levelDb] : []));
    expect(levelsDb).toHaveLength(2);
    expect(levelsDb[0]).toBeCloseTo(0, 5);
    expect(levelsDb[1]).toBeCloseTo(-30, 5);
  });

  it('listens while the VAD still loads: levels flow at once, batches wait for the VAD and none is lost', async () => {
    const engine = new ScriptedEngine();
    let vadLoaded: () => void = () => {};
    const handlers = createListenHandlers({
      loadVad: () => new Promise<void>((resolve) => (vadLoaded = resolve)),
      createEngine: () => engine,
    });
    const loading = handlers.load({ vadModelUrl: '/models/vad/v.onnx' }, recordingContext().context);
    const { port1, port2 } = new MessageChannel();
    const { context, updates } = recordingContext();
    const listening = handlers.listen({ batches: port2, nMels: 80, segmenter: {} }, context);
    port1.postMessage(batchOf(0, [1, 1, 1]));
    port1.postMessage(batchOf(3, [1e-2, 1e-2, 1e-2]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(updates.map((u) => u.type)).toEqual(['level', 'level']);
    expect(engine.pushedFrames).toEqual([]);

    vadLoaded();
    await loading;
    port1.postMessage(batchOf(6, [0, 0, 0]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await handlers.finish({ reason: 'stopped' }, recordingContext().context);
    await expect(listening).resolves.toEqual({ batches: 3 });
    port1.close();
    expect(engine.pushedFrames).toEqual([0, 3, 6]);
    expect(updates.filter((u) => u.type !== 'level').map((u) => u.type)).toEqual(['speechStart', 'misfire']);
  });

  it('ends a stream opened while the VAD loads as soon as the VAD fails, with its error', async () => {
    let vadFailed: (error: Error) => void = () => {};
    const handlers = createListenHandlers({
      loadVad: () => new Promise<void>((_resolve, reject) => (vadFailed = reject)),
      createEngine: () => new ScriptedEngine(),
    });
    const loading = handlers.load({ vadModelUrl: '/models/vad/v.onnx' }, recordingContext().context);
    const { port1, port2 } = new MessageChannel();
    const listening = handlers.listen({ batches: port2, nMels: 80, segmenter: {} }, recordingContext().context);
    port1.postMessage(batchOf(0, [1, 1, 1]));
    vadFailed(new Error('no VAD model'));
    await expect(loading).rejects.toThrow('no VAD model');
    await expect(listening).rejects.toThrow('no VAD model');
    port1.close();
  });
});
