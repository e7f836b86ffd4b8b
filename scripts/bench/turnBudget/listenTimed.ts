// The page's listening path over a recording (resampler, features, VAD, segmenter), as analyzeRecording runs it, also
// noting where in the stream each turn was decided: a live microphone hands the turn over that long after it began.
import { RENDER_QUANTUM_SAMPLES } from '../../../src/audio/dsp/constants';
import type { FeatureBatch } from '../../../src/audio/featureBatch';
import { FeaturePipeline } from '../../../src/audio/featurePipeline';
import type { VoiceActivityDetector } from '../../../src/models/vad/vadContract';
import { ListenEngine } from '../../../src/turns/listenEngine';
import type { Turn } from '../../../src/turns/turn';

/** The page's worklet batch: 3 frames (30 ms), as listenSession asks for. */
const PAGE_BATCH_FRAMES = 3;

export interface TimedTurn {
  turn: Turn;
  /** Stream time (ms of input audio) at which the turn came out of the listener: its end-of-turn decision. */
  decidedAtMs: number;
  /** The pause that last made it tentative (the speculative end of turn starts there), with its stream time; null without one. */
  tentative: { turn: Turn; decidedAtMs: number } | null;
}

export async function listenTimed(samples: Float32Array, sampleRateHz: number, vad: VoiceActivityDetector, nMels = 80): Promise<TimedTurn[]> {
  const engine = new ListenEngine({ vad, nMels });
  const timed: TimedTurn[] = [];
  const queued: FeatureBatch[] = [];
  const pipeline = new FeaturePipeline({
    inputRateHz: sampleRateHz,
    nMels,
    batchFrames: PAGE_BATCH_FRAMES,
    onBatch: (batch) => queued.push({ ...batch, pcm16k: batch.pcm16k.slice(), logMel: batch.logMel.slice(), energy: batch.energy.slice() }),
  });
  let fedSamples = 0;
  let tentative: TimedTurn['tentative'] = null;
  const collect = (events: Awaited<ReturnType<ListenEngine['push']>>) => {
    const atMs = (fedSamples * 1000) / sampleRateHz;
    for (const event of events) {
      if (event.type === 'tentativeTurn') tentative = { turn: event.turn, decidedAtMs: atMs };
      if (event.type === 'speechResumed') tentative = null;
      if (event.type === 'turn') {
        timed.push({ turn: event.turn, decidedAtMs: atMs, tentative });
        tentative = null;
      }
    }
  };
  for (let start = 0; start < samples.length; start += RENDER_QUANTUM_SAMPLES) {
    const block = samples.subarray(start, start + RENDER_QUANTUM_SAMPLES);
    pipeline.push(block);
    fedSamples += block.length;
    for (let batch = queued.shift(); batch !== undefined; batch = queued.shift()) collect(await engine.push(batch));
  }
  pipeline.flush();
  for (let batch = queued.shift(); batch !== undefined; batch = queued.shift()) collect(await engine.push(batch));
  collect(await engine.flush());
  return timed;
}

/**
 * For each spoken turn, the index of the listened turn that closed it (the last one overlapping its voiced span); -1 when
 * the listener missed it. A sentence split in two by a pause is answered after its second part, which is what is timed.
 */
export function matchTurns(voiced: readonly { voicedStartMs: number; voicedEndMs: number }[], heard: readonly { startMs: number; endMs: number }[]): number[] {
  return voiced.map(({ voicedStartMs, voicedEndMs }) => {
    let match = -1;
    heard.forEach(({ startMs, endMs }, i) => {
      if (startMs < voicedEndMs && endMs > voicedStartMs) match = i;
    });
    return match;
  });
}
