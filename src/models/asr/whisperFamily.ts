import { AutoProcessor, Tensor, WhisperForConditionalGeneration, type Processor } from '@huggingface/transformers';
import type { ModelFamily } from '../loadModel';
import { progressForwarder } from '../runtime/progressForwarder';

/** Whisper's input window: 80 mel bins x 3000 frames (30 s). */
const MEL_BINS = 80;
const WINDOW_FRAMES = 3000;

/** The model and the processor (log-mel feature extractor + tokenizer) of one Whisper checkpoint. */
export interface WhisperBundle {
  model: WhisperForConditionalGeneration;
  processor: Processor;
}

/** A fixed log-mel-like input: smooth ripples in Whisper's normalised range (-1..1.5). */
function warmUpFeatures(melBins: number): Tensor {
  const data = new Float32Array(melBins * WINDOW_FRAMES);
  for (let m = 0; m < melBins; m++) {
    for (let t = 0; t < WINDOW_FRAMES; t++) data[m * WINDOW_FRAMES + t] = 0.25 + 0.75 * Math.sin(0.05 * t + 0.3 * m) * Math.cos(0.011 * t);
  }
  return new Tensor('float32', data, [1, melBins, WINDOW_FRAMES]);
}

export const whisperFamily: ModelFamily<WhisperBundle> = {
  selfCheckTolerance: 1e-2,
  async load(modelId, device, dtype, onFileProgress) {
    const progress_callback = progressForwarder(onFileProgress);
    const [model, processor] = await Promise.all([
      WhisperForConditionalGeneration.from_pretrained(modelId, { device, dtype: dtype as never, progress_callback }),
      AutoProcessor.from_pretrained(modelId, { progress_callback }),
    ]);
    return { model: model as WhisperForConditionalGeneration, processor };
  },
  async warmUp({ model }) {
    const melBins = (model.config as { num_mel_bins?: number }).num_mel_bins ?? MEL_BINS;
    const startToken = (model.generation_config as { decoder_start_token_id?: number } | null)?.decoder_start_token_id ?? 0;
    // One encoder pass and one decoder step: compiles both sessions' shaders.
    const outputs = (await model({
      input_features: warmUpFeatures(melBins),
      decoder_input_ids: new Tensor('int64', BigInt64Array.from([BigInt(startToken)]), [1, 1]),
    })) as { logits: Tensor };
    return [outputs.logits.data as Float32Array];
  },
  async dispose({ model }) {
    await model.dispose();
  },
};
