import { RENDER_QUANTUM_SAMPLES } from '../../audio/dsp/constants';
import type { FeatureBatch } from '../../audio/featureBatch';
import { FeaturePipeline } from '../../audio/featurePipeline';
import type { VoiceActivityDetector } from '../../models/vad/vadContract';
import { LISTEN_BATCH_FRAMES } from '../listenBatch';
import type { Turn } from '../turn';
import type { BargeInConfig } from './bargeInMachine';
import { BargeInListener, type BargeInListenEvent } from './bargeInListener';
import type { EchoCancellerConfig, EchoCancellerStats } from './echoCanceller';
import type { EchoGateConfig } from './echoGate';
import { ReferenceStream } from './referenceStream';

export interface PcmSignal {
  samples: Float32Array;
  sampleRateHz: number;
}

export interface BargeInAnalysisOptions {
  vad: VoiceActivityDetector;
  nMels?: number;
  gate?: Partial<EchoGateConfig>;
  bargeIn?: Partial<BargeInConfig>;
  canceller?: Partial<EchoCancellerConfig>;
  /** Feature frames per batch, as the live capture sends them; the machine's decisions wait for a batch's end. */
  batchFrames?: number;
  /** Every event as it comes out, VAD scores included (benchmarks time against them). */
  onEvent?: (event: BargeInListenEvent) => void;
}

/** What happened, in ms of the microphone recording. */
export interface BargeInAnalysis {
  /** Confirmed barge-ins: the onset (`atMs`) and its confirmation. */
  bargeIns: { atMs: number; confirmedMs: number }[];
  /** Ducks of the voice (when the batch that decided it ended), and when it was restored (null: it was stopped by a barge-in, or the recording ended). */
  ducks: { atMs: number; restoredMs: number | null }[];
  /** Turns kept, and turns dropped as the assistant's own echo. */
  turns: Turn[];
  echoTurns: { onsetMs: number; offsetMs: number }[];
  /** The loudspeaker-to-microphone path learned by the end. */
  echoPath: { delayMs: number | null; gainDb: number };
  /** What the echo canceller did by the end. */
  canceller: EchoCancellerStats;
}

/** The reference reaches the gate this far ahead of the microphone, as it does live (it is sent when rendered). */
const REFERENCE_LEAD_MS = 64;

/**
 * A microphone recording and the reply that was playing (from the recording's t = 0) through the live path:
 * the feature pipeline in 128-sample blocks, the echo canceller, the listen engine, the echo gate and the barge-in machine.
 */
export async function analyzeBargeIn(mic: PcmSignal, playback: PcmSignal, { vad, nMels = 80, gate, bargeIn, canceller, batchFrames = LISTEN_BATCH_FRAMES, onEvent }: BargeInAnalysisOptions): Promise<BargeInAnalysis> {
  const listener = new BargeInListener({ vad, nMels, gate, bargeIn, canceller });
  const reference = new ReferenceStream(playback.sampleRateHz, nMels, (placed) => listener.writeReference(placed));
  const queued: FeatureBatch[] = [];
  const pipeline = new FeaturePipeline({ inputRateHz: mic.sampleRateHz, nMels, batchFrames, onBatch: (batch) => queued.push(copyBatch(batch)) });
  const analysis: BargeInAnalysis = { bargeIns: [], ducks: [], turns: [], echoTurns: [], echoPath: { delayMs: null, gainDb: 0 }, canceller: { bulkDelaySamples: null, erleDb: 0, adaptedBlocks: 0, frozenBlocks: 0, rolledBackBlocks: 0 } };
  const collect = (events: readonly BargeInListenEvent[]): void => {
    for (const event of events) {
      onEvent?.(event);
      record(analysis, event);
    }
  };
  let referenceFed = 0;
  const feedReferenceUntil = (ms: number): void => {
    const until = Math.min(playback.samples.length, Math.round((ms * playback.sampleRateHz) / 1000));
    if (until > referenceFed) reference.push(playback.samples.subarray(referenceFed, until));
    referenceFed = Math.max(referenceFed, until);
    // After the reply the player renders silence.
    const silenceUntil = Math.round((ms * playback.sampleRateHz) / 1000);
    if (silenceUntil > referenceFed) {
      reference.push(new Float32Array(silenceUntil - referenceFed));
      referenceFed = silenceUntil;
    }
  };
  for (let start = 0; start < mic.samples.length; start += RENDER_QUANTUM_SAMPLES) {
    const block = mic.samples.subarray(start, start + RENDER_QUANTUM_SAMPLES);
    feedReferenceUntil(((start + block.length) * 1000) / mic.sampleRateHz + REFERENCE_LEAD_MS);
    pipeline.push(block);
    for (let batch = queued.shift(); batch !== undefined; batch = queued.shift()) collect(await listener.push(batch));
  }
  pipeline.flush();
  for (let batch = queued.shift(); batch !== undefined; batch = queued.shift()) collect(await listener.push(batch));
  collect(await listener.flush());
  analysis.echoPath = listener.gate.path;
  analysis.canceller = listener.residual.canceller.stats;
  return analysis;
}

function record(analysis: BargeInAnalysis, event: BargeInListenEvent): void {
  const openDuck = analysis.ducks.at(-1);
  switch (event.type) {
    case 'duck':
      analysis.ducks.push({ atMs: event.atMs, restoredMs: null });
      return;
    case 'restore':
      if (openDuck && openDuck.restoredMs === null) openDuck.restoredMs = event.atMs;
      return;
    case 'confirmed':
      if (event.playing) analysis.bargeIns.push({ atMs: event.onsetMs, confirmedMs: event.atMs });
      return;
    case 'turn':
      analysis.turns.push(event.turn);
      return;
    case 'echo':
      analysis.echoTurns.push({ onsetMs: event.onsetMs, offsetMs: event.offsetMs });
      return;
    default:
      return;
  }
}

function copyBatch(batch: FeatureBatch): FeatureBatch {
  return { ...batch, pcm16k: batch.pcm16k.slice(), logMel: batch.logMel.slice(), energy: batch.energy.slice() };
}
