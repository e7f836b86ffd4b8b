import type { SegmenterConfig } from '../turns/segmenter';
import type { BargeInListenEvent } from '../turns/bargeIn/bargeInListener';
import type { Method } from './protocol';

/** What the listen worker streams while it listens: the engine's events with barge-in's, and the input level. */
export type ListenUpdate = Exclude<BargeInListenEvent, { type: 'vad' }> | { type: 'level'; levelDb: number };

export type ListenApi = {
  /** Fetch and warm up the VAD; resolves once it has run on a chunk. */
  load: Method<{ vadModelUrl: string }, { loadMs: number }>;
  /** Consume feature batches from `batches` (the worklet's port) until `finish` is called; may open while `load` runs (the batches wait for the VAD). */
  listen: Method<
    /** `reference`: the player's output (ReferenceBlock messages), which the echo gate compares the microphone with. */
    { batches: MessagePort; reference?: MessagePort; nMels: 80 | 128; segmenter: Partial<SegmenterConfig> },
    { batches: number },
    ListenUpdate
  >;
  /** End the stream: 'stopped' closes an open turn as end of stream, 'inputLost' as a lost microphone. */
  finish: Method<{ reason: 'stopped' | 'inputLost' }, void>;
};
