import * as ort from 'onnxruntime-web';
import { VAD_CHUNK_SAMPLES, VAD_CONTEXT_SAMPLES, VAD_SAMPLE_RATE_HZ, type VoiceActivityDetector } from './vadContract';

/** Elements of the recurrent state [2, 1, 128]. */
const STATE_SIZE = 2 * 1 * 128;

/**
 * Silero VAD v5 on onnxruntime-web, wasm execution provider only: the native WebGPU EP
 * computes Silero's 129->128 Conv wrongly (docs/testing.md).
 */
export class SileroVad implements VoiceActivityDetector {
  /** [64 context | 512 chunk]; the tensor below wraps it, so it is refilled in place for every run. */
  private readonly inputSamples = new Float32Array(VAD_CONTEXT_SAMPLES + VAD_CHUNK_SAMPLES);
  private readonly stateValues = new Float32Array(STATE_SIZE);
  private readonly inputTensor: ort.Tensor;
  private readonly stateTensor: ort.Tensor;
  private readonly sampleRateTensor: ort.Tensor;
  private readonly session: ort.InferenceSession;
  private running = false;

  private constructor(session: ort.InferenceSession) {
    this.session = session;
    this.inputTensor = new ort.Tensor('float32', this.inputSamples, [1, this.inputSamples.length]);
    this.stateTensor = new ort.Tensor('float32', this.stateValues, [2, 1, 128]);
    this.sampleRateTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE_HZ)]), []);
  }

  /** Loads the model from its bytes (public/models/vad/silero_vad_v5.onnx). */
  static async create(modelBytes: Uint8Array): Promise<SileroVad> {
    // Multi-threaded wasm needs cross-origin isolation (and fails in Node): default to 1 unless the app chose.
    if (ort.env.wasm.numThreads === undefined) ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'] });
    for (const name of ['input', 'state', 'sr']) {
      if (!session.inputNames.includes(name)) {
        throw new Error(`SileroVad: the model has no input '${name}' (inputs: ${session.inputNames.join(', ')}); is it Silero VAD v5?`);
      }
    }
    return new SileroVad(session);
  }

  async probability(chunk: Float32Array): Promise<number> {
    if (chunk.length !== VAD_CHUNK_SAMPLES) {
      throw new Error(`SileroVad: a chunk must hold ${VAD_CHUNK_SAMPLES} samples, got ${chunk.length}`);
    }
    if (this.running) throw new Error('SileroVad: probability() called again before the previous call finished');
    this.running = true;
    try {
      this.inputSamples.set(chunk, VAD_CONTEXT_SAMPLES);
      const outputs = await this.session.run({ input: this.inputTensor, state: this.stateTensor, sr: this.sampleRateTensor });
      const output = outputs['output'];
      const nextState = outputs['stateN'];
      if (output === undefined || nextState === undefined) throw new Error('SileroVad: the model did not return output and stateN');
      this.stateValues.set(nextState.data as Float32Array);
      // The last 64 samples of this chunk are the next chunk's context.
      this.inputSamples.copyWithin(0, VAD_CHUNK_SAMPLES);
      const probability = (output.data as Float32Array)[0];
      output.dispose();
      nextState.dispose();
      if (probability === undefined) throw new Error('SileroVad: empty output');
      return probability;
    } finally {
      this.running = false;
    }
  }

  reset(): void {
    this.inputSamples.fill(0);
    this.stateValues.fill(0);
  }

  /** Frees the session (the object is unusable afterwards). */
  async release(): Promise<void> {
    await this.session.release();
  }
}
