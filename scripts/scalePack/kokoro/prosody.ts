// Kokoro's TextEncoder and ProsodyPredictor: phoneme features, durations and the alignment they give, F0 and energy.
import { attr } from '../../tinyPack/onnxGraph';
import { adainResBlk1d } from './kokoroBlocks';
import type { KokoroDims } from './kokoroConfig';
import type { KokoroLayers } from './kokoroLayers';

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;
const TEXT_LEAKY_SLOPE = 0.2;
/**
 * Bias of every duration logit: sigmoid(-2.8) * 50 bins ~ 3 frames of 40 Hz (75 ms) per phoneme at speed 1, about
 * the 13 phonemes a second of natural speech (random PL-BERT features differ little between phonemes, so most last 3).
 */
const DURATION_LOGIT_BIAS = -2.8;
/** Amplitude of the duration projection's weights: small, so the mean duration stays near its bias whatever the seed. */
const DURATION_WEIGHT_AMPLITUDE = 0.1;
/** Hz added to the F0 projection, so the harmonic source runs voiced (SineGen's threshold is 10 Hz) at a speaking pitch. */
const F0_BIAS_HZ = 150;
/** Amplitude of the F0 projection's weights: a few tens of Hz of intonation around F0_BIAS_HZ. */
const F0_WEIGHT_AMPLITUDE = 2;

const swapLastTwo = { perm: attr.ints([0, 2, 1]) };

/** TextEncoder(input_ids) -> [1, hidden, T]: embedding, n_layer x (Conv1d + LayerNorm + LeakyReLU), bi-LSTM. */
export function textEncoder(l: KokoroLayers, inputIds: string, dims: KokoroDims): string {
  const { g } = l;
  const { hidden, textKernel } = dims;
  let x = g.op('Transpose', [l.embedding(inputIds, 'text_encoder.embedding', dims.tokens, hidden)], swapLastTwo);
  for (let i = 0; i < dims.layers; i++) {
    x = l.conv(x, { name: `text_encoder.cnn.${i}.0`, inChannels: hidden, outChannels: hidden, kernel: textKernel, padding: (textKernel - 1) / 2 });
    x = l.leakyRelu(l.layerNormChannels(x, `text_encoder.cnn.${i}.1`, hidden), TEXT_LEAKY_SLOPE);
  }
  return g.op('Transpose', [l.lstm(g.op('Transpose', [x], swapLastTwo), 'text_encoder.lstm', hidden, hidden / 2)], swapLastTwo);
}

/** The prosody style broadcast along the phonemes: [1, T, style] for x [1, T, C]. */
function styleAlong(l: KokoroLayers, x: string, s: string): string {
  const { g, c } = l;
  const frames = g.op('Shape', [x], { start: attr.i(1), end: attr.i(2) });
  return g.op('Expand', [g.op('Unsqueeze', [s, c.ints([1])]), g.op('Concat', [c.ints([1]), frames, c.ints([1])], { axis: attr.i(0) })]);
}

/** DurationEncoder(bert features [1, T, hidden], s) -> [1, T, hidden + style]: n_layer x (bi-LSTM, AdaLayerNorm, + style). */
export function durationEncoder(l: KokoroLayers, features: string, s: string, dims: KokoroDims): string {
  const { g } = l;
  const withStyle = (y: string) => g.op('Concat', [y, styleAlong(l, y, s)], { axis: attr.i(2) });
  let x = withStyle(features);
  for (let i = 0; i < dims.layers; i++) {
    x = l.lstm(x, `predictor.text_encoder.lstms.${2 * i}`, dims.hidden + dims.style, dims.hidden / 2);
    x = withStyle(l.adaLayerNorm(x, s, `predictor.text_encoder.lstms.${2 * i + 1}`, dims.style, dims.hidden));
  }
  return x;
}

/**
 * Frames per phoneme, round(sum(sigmoid(logits)) / speed) clamped to >= 1, and the one-hot alignment [T, frames]
 * they spell out (frame f belongs to phoneme t when start_t <= f < end_t), built in the graph so the audio length
 * follows the input and the speed.
 */
export function durationsAndAlignment(l: KokoroLayers, encoded: string, speed: string, dims: KokoroDims): { durations: string; alignment: string } {
  const { g, c, w } = l;
  const x = l.lstm(encoded, 'predictor.lstm', dims.hidden + dims.style, dims.hidden / 2);
  const logits = g.op('Add', [
    l.linear(x, { name: 'predictor.duration_proj.linear_layer', inFeatures: dims.hidden, outFeatures: dims.maxDuration, amplitude: DURATION_WEIGHT_AMPLITUDE }),
    w.filled('predictor.duration_proj.linear_layer.bias', [dims.maxDuration], DURATION_LOGIT_BIAS),
  ]);
  const frames = g.op('Div', [g.op('ReduceSum', [g.op('Sigmoid', [logits]), c.ints([-1])], { keepdims: attr.i(0) }), speed]);
  const durations = g.op('Cast', [g.op('Max', [g.op('Round', [g.op('Squeeze', [frames, c.ints([0])])]), c.scalar(1)])], { to: attr.i(ONNX_INT64) });
  const ends = g.op('CumSum', [durations, c.ints([0], [])]);
  const starts = g.op('Sub', [ends, durations]);
  const total = g.op('ReduceSum', [durations], { keepdims: attr.i(0) });
  const frameIndex = g.op('Unsqueeze', [g.op('Range', [c.ints([0], []), total, c.ints([1], [])]), c.ints([0])]);
  const column = (v: string) => g.op('Unsqueeze', [v, c.ints([1])]);
  const inside = g.op('And', [g.op('GreaterOrEqual', [frameIndex, column(starts)]), g.op('Less', [frameIndex, column(ends)])]);
  return { durations, alignment: g.op('Cast', [inside], { to: attr.i(ONNX_FLOAT) }) };
}

/** One branch of F0Ntrain (F0 or N) on the shared LSTM's [1, hidden, F] -> [1, 2F]. */
function prosodyBranch(l: KokoroLayers, x: string, s: string, branch: 'F0' | 'N', dims: KokoroDims, biasHz: number): string {
  const { hidden, style: styleWidth } = dims;
  const half = hidden / 2;
  let y = adainResBlk1d(l, x, s, `predictor.${branch}.0`, { inChannels: hidden, outChannels: hidden, styleWidth });
  y = adainResBlk1d(l, y, s, `predictor.${branch}.1`, { inChannels: hidden, outChannels: half, styleWidth, upsample: true });
  y = adainResBlk1d(l, y, s, `predictor.${branch}.2`, { inChannels: half, outChannels: half, styleWidth });
  const amplitude = branch === 'F0' ? F0_WEIGHT_AMPLITUDE / Math.sqrt(half) : undefined;
  const projected = l.conv(y, { name: `predictor.${branch}_proj`, inChannels: half, outChannels: 1, kernel: 1, bias: false, ...(amplitude ? { amplitude } : {}) }, { weightNorm: false });
  const withBias = l.g.op('Add', [projected, l.w.filled(`predictor.${branch}_proj.bias`, [1, 1], biasHz)]);
  return l.g.op('Squeeze', [withBias, l.c.ints([1])]);
}

/** F0Ntrain(en [1, hidden + style, F], s) -> F0 curve and energy curve, each [1, 2F]. */
export function f0AndEnergy(l: KokoroLayers, en: string, s: string, dims: KokoroDims): { f0: string; energy: string } {
  const shared = l.g.op('Transpose', [l.lstm(l.g.op('Transpose', [en], swapLastTwo), 'predictor.shared', dims.hidden + dims.style, dims.hidden / 2)], swapLastTwo);
  return { f0: prosodyBranch(l, shared, s, 'F0', dims, F0_BIAS_HZ), energy: prosodyBranch(l, shared, s, 'N', dims, 0) };
}
