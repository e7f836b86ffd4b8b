// Kokoro's parameter count per module from its config alone (the PyTorch modules' shapes, weight-norm g's included),
// an arithmetic the graph builder's own count is checked against.
import type { KokoroDims } from './kokoroConfig';

const linear = (inFeatures: number, outFeatures: number, bias = true) => inFeatures * outFeatures + (bias ? outFeatures : 0);
/** weight_norm(Conv1d): v [out, in/groups, k], g [out, 1, 1], bias [out]. */
const wnConv = (inChannels: number, outChannels: number, kernel: number, { bias = true, groups = 1 } = {}) =>
  (outChannels * inChannels * kernel) / groups + outChannels + (bias ? outChannels : 0);
/** weight_norm(ConvTranspose1d): v [in, out/groups, k], g [in, 1, 1], bias [out]. */
const wnConvTranspose = (inChannels: number, outChannels: number, kernel: number, groups = 1) =>
  (inChannels * outChannels * kernel) / groups + inChannels + outChannels;
/** Bidirectional single-layer LSTM: per direction W_ih, W_hh, b_ih, b_hh. */
const biLstm = (inputSize: number, hidden: number) => 2 * (4 * hidden * (inputSize + hidden) + 8 * hidden);
/** AdaIN1d: fc style -> 2C, InstanceNorm1d(affine=True). */
const adaIn = (style: number, channels: number) => linear(style, 2 * channels) + 2 * channels;

function adainResBlk1d(dimIn: number, dimOut: number, style: number, upsample = false): number {
  return (
    wnConv(dimIn, dimOut, 3) +
    wnConv(dimOut, dimOut, 3) +
    adaIn(style, dimIn) +
    adaIn(style, dimOut) +
    (dimIn !== dimOut ? wnConv(dimIn, dimOut, 1, { bias: false }) : 0) +
    (upsample ? wnConvTranspose(dimIn, dimIn, 3, dimIn) : 0)
  );
}

/** AdaINResBlock1: three (dilated conv, conv) pairs, six AdaIN1d, six Snake alphas. */
const adainResBlock1 = (channels: number, kernel: number, style: number) => 6 * wnConv(channels, channels, kernel) + 6 * adaIn(style, channels) + 6 * channels;

export interface KokoroParameterBreakdown {
  bert: number;
  bertEncoder: number;
  textEncoder: number;
  predictor: number;
  decoder: number;
  generator: number;
  total: number;
}

export function kokoroParameterBreakdown(dims: KokoroDims): KokoroParameterBreakdown {
  const { hidden, style, layers, tokens } = dims;
  const a = dims.albert;
  const bert =
    (tokens + a.maxPositions + 2) * a.embedding + 2 * a.embedding +
    linear(a.embedding, a.hidden) +
    4 * linear(a.hidden, a.hidden) + 2 * a.hidden + linear(a.hidden, a.intermediate) + linear(a.intermediate, a.hidden) + 2 * a.hidden +
    linear(a.hidden, a.hidden);
  const bertEncoder = linear(a.hidden, hidden);
  const textEncoder = tokens * hidden + layers * (wnConv(hidden, hidden, dims.textKernel) + 2 * hidden) + biLstm(hidden, hidden / 2);
  const branch = adainResBlk1d(hidden, hidden, style) + adainResBlk1d(hidden, hidden / 2, style, true) + adainResBlk1d(hidden / 2, hidden / 2, style) + linear(hidden / 2, 1);
  const predictor =
    layers * (biLstm(hidden + style, hidden / 2) + linear(style, 2 * hidden)) +
    2 * biLstm(hidden + style, hidden / 2) +
    linear(hidden, dims.maxDuration) +
    2 * branch;
  const width = dims.decoderWidth;
  const { upsampleRates, upsampleKernels, upsampleInitialChannel, resblockKernels, nFft } = dims.istft;
  const decodeIn = width + 2 + 64;
  const decoder =
    adainResBlk1d(hidden + 2, width, style) +
    3 * adainResBlk1d(decodeIn, width, style) +
    adainResBlk1d(decodeIn, upsampleInitialChannel, style, true) +
    2 * wnConv(1, 1, 3) +
    wnConv(hidden, 64, 1);
  let generator = linear(9, 1);
  upsampleRates.forEach((_, i) => {
    const channels = upsampleInitialChannel / 2 ** (i + 1);
    const last = i === upsampleRates.length - 1;
    const sourceStride = upsampleRates.slice(i + 1).reduce((x, y) => x * y, 1);
    generator += wnConvTranspose(2 * channels, channels, upsampleKernels[i]!);
    generator += resblockKernels.reduce((sum, k) => sum + adainResBlock1(channels, k, style), 0);
    generator += (nFft + 2) * channels * (last ? 1 : 2 * sourceStride) + channels;
    generator += adainResBlock1(channels, last ? 11 : 7, style);
  });
  generator += wnConv(upsampleInitialChannel / 2 ** upsampleRates.length, nFft + 2, 7);
  return { bert, bertEncoder, textEncoder, predictor, decoder, generator, total: bert + bertEncoder + textEncoder + predictor + decoder + generator };
}
