import { StyleTextToSpeech2Model, Tensor } from '@huggingface/transformers';
import type { ModelFamily } from '../loadModel';
import { progressForwarder } from '../runtime/progressForwarder';

/** Kokoro's style vector width: 128 acoustic + 128 prosodic. */
const STYLE_SIZE = 256;
/** A short phoneme sequence, padded with id 0 at both ends as Kokoro expects. */
const WARM_UP_IDS = [0, 50, 83, 54, 156, 57, 135, 0];

export const kokoroFamily: ModelFamily<StyleTextToSpeech2Model> = {
  selfCheckTolerance: 1e-2,
  async load(modelId, device, dtype, onFileProgress) {
    return (await StyleTextToSpeech2Model.from_pretrained(modelId, {
      device,
      dtype: dtype as never,
      progress_callback: progressForwarder(onFileProgress),
    })) as StyleTextToSpeech2Model;
  },
  async warmUp(model) {
    const style = new Float32Array(STYLE_SIZE);
    for (let i = 0; i < STYLE_SIZE; i++) style[i] = 0.2 * Math.sin(0.37 * i);
    const ids = BigInt64Array.from(WARM_UP_IDS.map(BigInt));
    const outputs = (await model({
      input_ids: new Tensor('int64', ids, [1, ids.length]),
      style: new Tensor('float32', style, [1, STYLE_SIZE]),
      speed: new Tensor('float32', Float32Array.from([1]), [1]),
    })) as { waveform: Tensor };
    return [outputs.waveform.data as Float32Array];
  },
  async dispose(model) {
    await model.dispose();
  },
};
