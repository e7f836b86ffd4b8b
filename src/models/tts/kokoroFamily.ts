import { AutoTokenizer, StyleTextToSpeech2Model, Tensor, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { ModelFamily } from '../loadModel';
import { progressForwarder } from '../runtime/progressForwarder';
import { phonemizeEnglish } from './phonemize';
import { toFloat32 } from '../selfCheck/toFloat32';

/** Kokoro's style vector width: 128 acoustic + 128 prosodic. */
export const KOKORO_STYLE_SIZE = 256;
/** Kokoro's output rate. */
const SAMPLE_RATE = 24_000;
/** A short phoneme sequence, padded with id 0 at both ends as Kokoro expects. */
const WARM_UP_IDS = [0, 50, 83, 54, 156, 57, 135, 0];
/**
 * The self-check's input: 210 phonemes. Some GPUs corrupt only long inputs (onnxruntime's WebGPU EP on some
 * Intel and AMD iGPUs and Android), which an 8-token warm-up passes.
 */
export const CHECK_PHONEMES = 210;

function checkIds(): number[] {
  const inner = WARM_UP_IDS.slice(1, -1);
  // Rotating the short sequence by its index varies the phoneme contexts the long input covers.
  const phonemes = Array.from({ length: CHECK_PHONEMES }, (_, i) => inner[(i + Math.floor(i / inner.length)) % inner.length]!);
  return [0, ...phonemes, 0];
}

/** Kokoro and its phoneme tokenizer, from the same model id. */
export interface KokoroBundle {
  model: StyleTextToSpeech2Model;
  tokenizer: PreTrainedTokenizer;
}

export const kokoroFamily: ModelFamily<KokoroBundle> = {
  async load(modelId, device, dtype, onFileProgress) {
    const progress_callback = progressForwarder(onFileProgress);
    const [model, tokenizer] = await Promise.all([
      StyleTextToSpeech2Model.from_pretrained(modelId, { device, dtype: dtype as never, progress_callback }),
      AutoTokenizer.from_pretrained(modelId, { progress_callback }),
    ]);
    return { model: model as StyleTextToSpeech2Model, tokenizer };
  },
  async warmUp({ model }, { forSelfCheck } = { forSelfCheck: false }) {
    // espeak-ng's first call costs ~0.6 s (dictionary set-up): pay it before "ready", not in the first reply.
    await phonemizeEnglish('Hello.');
    const style = new Float32Array(KOKORO_STYLE_SIZE);
    for (let i = 0; i < KOKORO_STYLE_SIZE; i++) style[i] = 0.2 * Math.sin(0.37 * i);
    const ids = BigInt64Array.from((forSelfCheck ? checkIds() : WARM_UP_IDS).map(BigInt));
    const outputs = (await model({
      input_ids: new Tensor('int64', ids, [1, ids.length]),
      style: new Tensor('float32', style, [1, KOKORO_STYLE_SIZE]),
      speed: new Tensor('float32', Float32Array.from([1]), [1]),
    })) as { waveform: Tensor };
    return { kind: 'waveform', sampleRate: SAMPLE_RATE, outputs: [toFloat32(outputs.waveform)] };
  },
  async dispose({ model }) {
    await model.dispose();
  },
};
