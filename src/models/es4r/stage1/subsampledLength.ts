// How many frames a turn keeps after the subsampler's three Conv1d layers: the runtime plans the front with it.
import { CONV_KERNEL, CONV_LAYERS, CONV_PADDING, CONV_STRIDE } from './stage1Types';

/** PyTorch's Conv1d output length, floor((T + 2p - k) / s) + 1, applied once per layer: about T / 8. */
export function subsampledLength(melFrames: number, layers = CONV_LAYERS): number {
  let length = melFrames;
  for (let i = 0; i < layers; i++) length = Math.floor((length + 2 * CONV_PADDING - CONV_KERNEL) / CONV_STRIDE) + 1;
  return length;
}
