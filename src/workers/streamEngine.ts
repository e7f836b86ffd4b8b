import type { VoiceActivityDetector } from '../models/vad/vadContract';
import { BargeInListener } from '../turns/bargeIn/bargeInListener';
import { ReferenceStream } from '../turns/bargeIn/referenceStream';
import type { SegmenterConfig } from '../turns/segmenter';
import type { StreamEngine } from './listenHandlers';

/** One listening stream's engine: the VAD, the turns and barge-in over the microphone, the echo gate over the voice played. */
export function createStreamEngine(vad: VoiceActivityDetector, nMels: 80 | 128, segmenter: Partial<SegmenterConfig>): StreamEngine {
  vad.reset();
  const listener = new BargeInListener({ vad, segmenter, nMels });
  let reference: ReferenceStream | null = null;
  return {
    push: (batch) => listener.push(batch),
    flush: () => listener.flush(),
    inputLost: () => listener.inputLost(),
    pushReference({ pcm, sampleRateHz }) {
      reference ??= new ReferenceStream(sampleRateHz, nMels, (placed) => listener.writeReference(placed));
      reference.push(pcm, listener.microphoneFrames);
    },
  };
}
