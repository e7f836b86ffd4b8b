// The one place that reaches into transformers.js internals. The version is pinned exactly in package.json and
// transformersPrivate.test.ts fails when an upgrade removes or changes what is used here.
import type { Tensor, WhisperForConditionalGeneration } from '@huggingface/transformers';

/** transformers.js internals used to run Whisper's encoder once and hand its output to generate(). */
export interface EncoderAccess {
  forward_params: string[];
  /** Runs one session through transformers.js' sessionRun (tensor conversion; in the page, the one-run-at-a-time chain). */
  _encode_input(sessionName: string, inputs: Record<string, Tensor>, outputName: string): Promise<Tensor>;
}

export function encoderAccess(model: WhisperForConditionalGeneration): EncoderAccess {
  const access = model as unknown as Partial<EncoderAccess>;
  if (typeof access._encode_input !== 'function' || !Array.isArray(access.forward_params)) {
    throw new Error('This transformers.js version does not expose _encode_input/forward_params: the encoder-once path needs updating.');
  }
  // generate() keeps only kwargs named in forward_params; with encoder_outputs kept it skips its own encoder pass (as T5 does).
  if (!access.forward_params.includes('encoder_outputs')) access.forward_params.push('encoder_outputs');
  return access as EncoderAccess;
}
