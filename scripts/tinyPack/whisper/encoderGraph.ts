/** onnx/encoder_model.onnx: input_features [batch_size, 80, 3000] -> last_hidden_state [batch_size, 1500, 64]. */
import { attr, GraphBuilder } from '../onnxGraph';
import { D_MODEL, ENCODER_LAYERS, FFN_DIM, MEL_BINS, MEL_FRAMES, SILENCE_THRESHOLD, SOURCE_POSITIONS, SPEECH_GAIN } from './design';
import { attend, feedForward, gelu, keyValue, layerNorm, outputProjection, type Params, query } from './layers';

const KERNEL = 3;
const CENTER_TAP = 1;
/** Random conv weights for the channels that carry no design, small next to the speech feature. */
const CONV_NOISE = 0.01;
/** Amplitude of Whisper's sinusoidal positions, small so that they do not blur the speech feature. */
const POSITION_AMPLITUDE = 0.05;

/** conv1: channel 0 = +gain (mean log-mel - threshold), channel 1 = its negation (center tap only: no edge effects). */
function conv1Weights(p: Params): { weight: Float32Array; bias: Float32Array } {
  const weight = p.random.array(D_MODEL * MEL_BINS * KERNEL, CONV_NOISE);
  const bias = new Float32Array(D_MODEL);
  for (const [channel, sign] of [[0, 1], [1, -1]] as const) {
    weight.fill(0, channel * MEL_BINS * KERNEL, (channel + 1) * MEL_BINS * KERNEL);
    for (let bin = 0; bin < MEL_BINS; bin++) weight[(channel * MEL_BINS + bin) * KERNEL + CENTER_TAP] = (sign * SPEECH_GAIN) / MEL_BINS;
    bias[channel] = -sign * SPEECH_GAIN * SILENCE_THRESHOLD;
  }
  return { weight, bias };
}

/** conv2 (stride 2): channels 0 and 1 pass through unchanged. */
function conv2Weights(p: Params): { weight: Float32Array; bias: Float32Array } {
  const weight = p.random.array(D_MODEL * D_MODEL * KERNEL, CONV_NOISE);
  for (const channel of [0, 1]) {
    weight.fill(0, channel * D_MODEL * KERNEL, (channel + 1) * D_MODEL * KERNEL);
    weight[(channel * D_MODEL + channel) * KERNEL + CENTER_TAP] = 1;
  }
  return { weight, bias: new Float32Array(D_MODEL) };
}

/** Whisper's fixed sinusoidal position embedding [1500, D_MODEL] (sines then cosines, log-spaced timescales). */
function sinusoids(): Float32Array {
  const half = D_MODEL / 2;
  const out = new Float32Array(SOURCE_POSITIONS * D_MODEL);
  for (let t = 0; t < SOURCE_POSITIONS; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.exp((-Math.log(10000) / (half - 1)) * i);
      out[t * D_MODEL + i] = POSITION_AMPLITUDE * Math.sin(angle);
      out[t * D_MODEL + half + i] = POSITION_AMPLITUDE * Math.cos(angle);
    }
  }
  return out;
}

function conv(b: GraphBuilder, p: Params, x: string, inChannels: number, stride: number, w: { weight: Float32Array; bias: Float32Array }): string {
  const weight = p.float(b, 'conv_weight', [D_MODEL, inChannels, KERNEL], w.weight);
  const bias = p.float(b, 'conv_bias', [D_MODEL], w.bias);
  return b.op('Conv', [x, weight, bias], { kernel_shape: attr.ints([KERNEL]), pads: attr.ints([1, 1]), strides: attr.ints([stride]) });
}

export function encoderModel(p: Params): Uint8Array {
  const b = new GraphBuilder('enc/');
  const features = b.input('input_features', 'float32', ['batch_size', MEL_BINS, MEL_FRAMES]);
  const h1 = gelu(b, p, conv(b, p, features, MEL_BINS, 1, conv1Weights(p)));
  const h2 = gelu(b, p, conv(b, p, h1, D_MODEL, 2, conv2Weights(p)));
  const positions = p.float(b, 'embed_positions', [SOURCE_POSITIONS, D_MODEL], sinusoids());
  let x = b.op('Add', [b.op('Transpose', [h2], { perm: attr.ints([0, 2, 1]) }), positions]);
  for (let layer = 0; layer < ENCODER_LAYERS; layer++) {
    const normed = layerNorm(b, p, x);
    const [k, v] = keyValue(b, p, normed);
    x = b.op('Add', [x, outputProjection(b, p, attend(b, p, query(b, p, normed), k, v))]);
    x = b.op('Add', [x, feedForward(b, p, layerNorm(b, p, x), FFN_DIM)]);
  }
  b.output('last_hidden_state', 'float32', ['batch_size', SOURCE_POSITIONS, D_MODEL], layerNorm(b, p, x));
  return b.model('whisper_encoder');
}
