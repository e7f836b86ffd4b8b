import { HOP_SAMPLES, SAMPLE_RATE_HZ } from '../../src/audio/dsp/constants';
import { StreamingFrameFeatures } from '../../src/audio/dsp/frameFeatures';
import { EchoCanceller } from '../../src/turns/bargeIn/echoCanceller';
import type { Scenario } from './scenarios';

/** CPU the listen worker spends on the echo, in ms per second of audio: the canceller, and the features of the residual and of the echo estimate. */
export interface CancellerCost {
  cancellerMsPerS: number;
  residualFeaturesMsPerS: number;
}

/** Times the canceller over a scenario fed as live, one 10 ms block at a time, the delay known from the start. */
export function measureCancellerCost(scenario: Scenario, nMels: number): CancellerCost {
  const canceller = new EchoCanceller({ blockSamples: HOP_SAMPLES });
  const { mic, played } = scenario;
  const residual = new Float32Array(HOP_SAMPLES);
  const lead = 1024;
  canceller.writeReference(0, played.subarray(0, lead));
  canceller.setDelay((scenario.room.delayMs * SAMPLE_RATE_HZ) / 1000);
  let startedMs = performance.now();
  for (let start = 0; start + HOP_SAMPLES <= mic.length; start += HOP_SAMPLES) {
    canceller.writeReference(start + lead, played.subarray(start + lead, start + lead + HOP_SAMPLES));
    canceller.process(mic.subarray(start, start + HOP_SAMPLES), residual, false);
  }
  const cancellerMs = performance.now() - startedMs;
  // The residual's frames and the estimate's (the gate predicts the residual echo from them): two framers' work.
  const framers = [0, 1].map(() => new StreamingFrameFeatures({ nMels, onFrame: () => {} }));
  startedMs = performance.now();
  for (let start = 0; start < mic.length; start += HOP_SAMPLES) for (const framer of framers) framer.push(mic, start, Math.min(mic.length, start + HOP_SAMPLES));
  const framesMs = performance.now() - startedMs;
  const seconds = mic.length / SAMPLE_RATE_HZ;
  return { cancellerMsPerS: cancellerMs / seconds, residualFeaturesMsPerS: framesMs / seconds };
}
