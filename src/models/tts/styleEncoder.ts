import * as ort from 'onnxruntime-web';
import { GraphSession } from '../runtime/graphSession';
import { REFERENCE_MEL_MIN_SAMPLES_16K, referenceMel, STYLE_INPUT_RATE_HZ, STYLE_N_MELS } from './referenceMel';

/** StyleTTS2's ref_s: [128 acoustic | 128 prosodic]. */
export const STYLE_DIM = 256;

/**
 * A StyleTTS2-contract style encoder (mel float32 [1, 80, frames] -> style float32 [1, 256]) on onnxruntime-web's
 * wasm EP (GraphSession), which runs in a page, a web worker and Node alike. One run at a time per instance.
 */
export class StyleEncoder {
  private running = false;

  private constructor(private readonly graph: GraphSession) {}

  /** Loads the model from its bytes (e.g. public/models/<style encoder>/onnx/model.onnx). */
  static async create(modelBytes: Uint8Array): Promise<StyleEncoder> {
    return new StyleEncoder(await GraphSession.create('StyleEncoder', modelBytes, ['mel'], ['style']));
  }

  /** The 256-d style of a 16 kHz turn (StyleTTS2 reference mel -> model). */
  async styleOf(pcm16k: Float32Array): Promise<Float32Array> {
    if (pcm16k.length < REFERENCE_MEL_MIN_SAMPLES_16K) {
      const ms = ((1000 * pcm16k.length) / STYLE_INPUT_RATE_HZ).toFixed(1);
      const minMs = ((1000 * REFERENCE_MEL_MIN_SAMPLES_16K) / STYLE_INPUT_RATE_HZ).toFixed(1);
      throw new Error(`StyleEncoder: ${ms} ms of audio is too short for one mel frame; at least ${REFERENCE_MEL_MIN_SAMPLES_16K} samples (${minMs} ms) at 16 kHz are needed`);
    }
    if (this.running) throw new Error('StyleEncoder: styleOf() called again before the previous call finished');
    this.running = true;
    try {
      const { data, frames } = referenceMel(pcm16k);
      const { style } = await this.graph.run({ mel: new ort.Tensor('float32', data, [1, STYLE_N_MELS, frames]) }, ['style']);
      const vector = (style.data as Float32Array).slice();
      if (vector.length !== STYLE_DIM) throw new Error(`StyleEncoder: expected a ${STYLE_DIM}-d style, got ${vector.length}`);
      return vector;
    } finally {
      this.running = false;
    }
  }

  /** Frees the session (the object is unusable afterwards). */
  async release(): Promise<void> {
    await this.graph.release();
  }
}
