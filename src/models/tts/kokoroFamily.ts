import { AutoTokenizer, StyleTextToSpeech2Model, Tensor, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { ModelFamily } from '../loadModel';
import { progressForwarder } from '../runtime/progressForwarder';
import { phonemizeEnglish } from './phonemize';

/** Kokoro's style vector width: 128 acoustic + 128 prosodic. */
export const KOKORO_STYLE_SIZE = 256;
/** A short phoneme sequence, padded with id 0 at both ends as Kokoro expects. */
const WARM_UP_IDS = [0, 50, 83, 54, 156, 57, 135, 0];

/** Kokoro and its phoneme tokenizer, from the same model id. */
export interface KokoroBundle {
  model: StyleTextToSpeech2Model;
  tokenizer: PreTrainedTokenizer;
}

export const kokoroFamily: ModelFamily<KokoroBundle> = {
  selfCheckTolerance: 1e-2,
  async load(modelId, device, dtype, onFileProgress) {
    const progress_callback = progressForwarder(onFileProgress);
    const [model, tokenizer] = await Promise.all([
      StyleTextToSpeech2Model.from_pretrained(modelId, { device, dtype: dtype as never, progress_callback }),
      AutoTokenizer.from_pretrained(modelId, { progress_callback }),
    ]);
    return { model: model as StyleTextToSpeech2Model, tokenizer };
  },
  async warmUp({ model }) {
    // espeak-ng's first call costs ~0.6 s (dictionary set-up): pay it before "ready", not in the first reply.
    await phonemizeEnglish('Hello.');
    const style = new Float32Array(KOKORO_STYLE_SIZE);
    for (let i = 0; i < KOKORO_STYLE_SIZE; i++) style[i] = 0.2 * Math.sin(0.37 * i);
    const ids = BigInt64Array.from(WARM_UP_IDS.map(BigInt));
    const outputs = (await model({
      input_ids: new Tensor('int64', ids, [1, ids.length]),
      style: new Tensor('float32', style, [1, KOKORO_STYLE_SIZE]),
      speed: new Tensor('float32', Float32Array.from([1]), [1]),
    })) as { waveform: Tensor };
    return [outputs.waveform.data as Float32Array];
  },
  async dispose({ model }) {
    await model.dispose();
  },
};
