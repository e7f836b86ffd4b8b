import { RENDER_QUANTUM_SAMPLES } from '../audio/dsp/constants';
import type { FeatureBatch } from '../audio/featureBatch';
import { FeaturePipeline } from '../audio/featurePipeline';
import { DEFAULT_TAU_DB, strategyFor, type Strategy } from '../conversation/strategy';
import type { VoiceActivityDetector } from '../models/vad/vadContract';
import { ListenEngine, type ListenEvent } from './listenEngine';
import type { SegmenterConfig } from './segmenter';
import type { Turn } from './turn';

export interface AnalyzeRecordingOptions {
  vad: VoiceActivityDetector;
  /** 80, or 128 for Whisper large-v3. */
  nMels?: number;
  /** Overrides of the segmenter defaults. */
  segmenter?: Partial<SegmenterConfig>;
  tauDb?: number;
}

export interface RecordingAnalysis {
  turns: Turn[];
  strategy: Strategy;
  /** Null with fewer than 2 turns. */
  deltaDb: number | null;
}

/**
 * A whole recording through the live path (resampler, mel, energy, VAD, segmentation, strategy),
 * fed in 128-sample blocks as the AudioWorklet would, so offline results match what the page hears.
 */
export async function analyzeRecording(
  samples: Float32Array,
  sampleRateHz: number,
  { vad, nMels = 80, segmenter, tauDb = DEFAULT_TAU_DB }: AnalyzeRecordingOptions,
): Promise<RecordingAnalysis> {
  const engine = new ListenEngine({ vad, nMels, segmenter });
  const turns: Turn[] = [];
  // The pipeline calls back synchronously while the engine is async: queue copies, then drain in order.
  const queued: FeatureBatch[] = [];
  const pipeline = new FeaturePipeline({ inputRateHz: sampleRateHz, nMels, onBatch: (batch) => queued.push(copyBatch(batch)) });
  const drain = async (): Promise<void> => {
    for (let batch = queued.shift(); batch !== undefined; batch = queued.shift()) collectTurns(await engine.push(batch), turns);
  };

  for (let start = 0; start < samples.length; start += RENDER_QUANTUM_SAMPLES) {
    pipeline.push(samples.subarray(start, start + RENDER_QUANTUM_SAMPLES));
    await drain();
  }
  pipeline.flush();
  await drain();
  collectTurns(await engine.flush(), turns);

  const { strategy, deltaDb } = strategyFor(turns.map((turn) => turn.energyDb), tauDb);
  return { turns, strategy, deltaDb };
}

function copyBatch(batch: FeatureBatch): FeatureBatch {
  return { ...batch, pcm16k: batch.pcm16k.slice(), logMel: batch.logMel.slice(), energy: batch.energy.slice() };
}

function collectTurns(events: readonly ListenEvent[], turns: Turn[]): void {
  for (const event of events) if (event.type === 'turn') turns.push(event.turn);
}
