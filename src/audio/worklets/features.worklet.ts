/// <reference path="./audioWorkletGlobals.d.ts" />
import { FeaturePipeline } from '../featurePipeline';
import { detachBatch } from './featureBatchMessage';

interface FeaturesOptions {
  inputRateHz: number;
  nMels: 80 | 128;
  batchFrames: number;
}

/**
 * Thin shell on the audio thread: the pipeline resamples and computes features into its own
 * buffers; a batch is copied and transferred only every `batchFrames` frames.
 */
class FeaturesProcessor extends AudioWorkletProcessor {
  private target: MessagePort | null = null;
  /** Told to stop: process() returns false, so the browser may drop the node while its context lives on. */
  private stopped = false;
  private readonly pipeline: FeaturePipeline;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const { inputRateHz, nMels, batchFrames } = options.processorOptions as FeaturesOptions;
    this.pipeline = new FeaturePipeline({
      inputRateHz: inputRateHz || sampleRate,
      nMels,
      batchFrames,
      onBatch: (batch) => {
        if (!this.target) return;
        const { batch: copy, transfer } = detachBatch(batch);
        this.target.postMessage(copy, transfer);
      },
    });
    this.port.onmessage = (event: MessageEvent<{ type: 'connect'; port: MessagePort } | { type: 'stop' }>) => {
      if (event.data.type === 'connect') this.target = event.data.port;
      else this.stopped = true;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (this.stopped) return false;
    if (channel) this.pipeline.push(channel);
    return true;
  }
}

registerProcessor('features', FeaturesProcessor);
