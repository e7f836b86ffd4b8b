import { AutoProcessor, Tensor, WhisperForConditionalGeneration, type Processor } from '@huggingface/transformers';
import type { ModelFamily } from '../loadModel';
import { progressForwarder } from '../runtime/progressForwarder';
import { toFloat32 } from '../selfCheck/toFloat32';
import { voicedClip } from '../selfCheck/voicedClip';

/** Whisper's input window: 80 mel bins x 3000 frames (30 s). */
const MEL_BINS = 80;
const WINDOW_FRAMES = 3000;
const SAMPLE_RATE = 16_000;
/** Long enough for several syllables, short enough that its features cost little. */
const CHECK_CLIP_S = 2.4;

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

interface WhisperGenerationIds {
  decoder_start_token_id?: number;
  lang_to_id?: Record<string, number>;
  task_to_id?: Record<string, number>;
  no_timestamps_token_id?: number;
}

/** <|startoftranscript|><|en|><|transcribe|><|notimestamps|>, as far as the checkpoint defines them. */
function transcriptPrefix(model: WhisperForConditionalGeneration): number[] {
  const ids = (model.generation_config ?? {}) as WhisperGenerationIds;
  const prefix = [ids.decoder_start_token_id ?? 0, ids.lang_to_id?.['<|en|>'], ids.task_to_id?.transcribe, ids.no_timestamps_token_id];
  return prefix.filter((id): id is number => id !== undefined);
}

export const whisperFamily: ModelFamily<WhisperBundle> = {
  async load(modelId, device, dtype, onFileProgress) {
    const progress_callback = progressForwarder(onFileProgress);
    const [model, processor] = await Promise.all([
      WhisperForConditionalGeneration.from_pretrained(modelId, { device, dtype: dtype as never, progress_callback }),
      AutoProcessor.from_pretrained(modelId, { progress_callback }),
    ]);
    return { model: model as WhisperForConditionalGeneration, processor };
  },
  async warmUp({ model, processor }, { forSelfCheck } = { forSelfCheck: false }) {
    const melBins = (model.config as { num_mel_bins?: number }).num_mel_bins ?? MEL_BINS;
    // One encoder pass and the transcript prefix through the decoder: compiles both sessions' shaders. The
    // check feeds a voiced clip, so the logits at each prefix position rank the tokens of a transcript.
    const input_features = forSelfCheck ? ((await processor(voicedClip(SAMPLE_RATE, CHECK_CLIP_S))) as { input_features: Tensor }).input_features : warmUpFeatures(melBins);
    const prefix = forSelfCheck ? transcriptPrefix(model) : transcriptPrefix(model).slice(0, 1);
    const outputs = (await model({
      input_features,
      decoder_input_ids: new Tensor('int64', BigInt64Array.from(prefix.map(BigInt)), [1, prefix.length]),
    })) as { logits: Tensor };
    return { kind: 'logits', steps: prefix.length, outputs: [toFloat32(outputs.logits)] };
  },
  async dispose({ model }) {
    await model.dispose();
  },
};
