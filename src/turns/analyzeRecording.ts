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
  /** Every listener event but the VAD scores, with the input audio's time at which it came out (ms): tentative turns too. */
  onEvent?: (event: Exclude<ListenEvent, { type: 'vad' }>, atMs: number) => void;
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
  { vad, nMels = 80, segmenter, tauDb = DEFAULT_TAU_DB, onEvent }: AnalyzeRecordingOptions,
): Promise<RecordingAnalysis> {
  const engine = new ListenEngine({ vad, nMels, segmenter });
  const turns: Turn[] = [];
  // The pipeline calls back synchronously while the engine is async: queue copies, then drain in order.
  const queued: FeatureBatch[] = [];
  const pipeline = new FeaturePipeline({ inputRateHz: sampleRateHz, nMels, onBatch: (batch) => queued.push(copyBatch(batch)) });
  let fedSamples = 0;
  const collect = (events: readonly ListenEvent[]): void => {
    for (const event of events) {
      if (event.type === 'vad') continue;
      onEvent?.(event, (fedSamples * 1000) / sampleRateHz);
      if (event.type === 'turn') turns.push(event.turn);
    }
  };
  const drain = async (): Promise<void> => {
    for (let batch = queued.shift(); batch !== undefined; batch = queued.shift()) collect(await engine.push(batch));
  };

  for (let start = 0; start < samples.length; start += RENDER_QUANTUM_SAMPLES) {
    const block = samples.subarray(start, start + RENDER_QUANTUM_SAMPLES);
    pipeline.push(block);
    fedSamples += block.length;
    await drain();
  }
  pipeline.flush();
  await drain();
  collect(await engine.flush());

  const { strategy, deltaDb } = strategyFor(turns.map((turn) => turn.energyDb), tauDb);
  return { turns, strategy, deltaDb };
}

function copyBatch(batch: FeatureBatch): FeatureBatch {
  return { ...batch, pcm16k: batch.pcm16k.slice(), logMel: batch.logMel.slice(), energy: batch.energy.slice() };
}
