import { GraphBuilder, attr } from './onnxGraph';
import { KOKORO_VOCAB_ROWS } from './kokoroTokenizer';
import { seededRandom, uniformArray } from './seededRandom';

export const KOKORO_SAMPLE_RATE_HZ = 24_000;
export const KOKORO_STYLE_DIM = 256;
/** Frames each phoneme lasts at speed 1 (75 ms, a plausible phoneme length). */
export const KOKORO_FRAMES_PER_TOKEN = 6;
export const KOKORO_SAMPLES_PER_FRAME = 300;
/** Channels around the Conv1d that native WebGPU was seen to get wrong: 128 embedding + 1 intonation in, 128 out. */
export const KOKORO_CONV_IN_CHANNELS = 129;
export const KOKORO_CONV_OUT_CHANNELS = 128;
const EMBED_DIM = KOKORO_CONV_IN_CHANNELS - 1;
const CONV_KERNEL = 3;
/** Harmonics of 80 Hz complete whole cycles in 300 samples, so the phase is continuous across frames. */
const BASE_FREQUENCY_HZ = 80;
const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;

/** Synthesis basis [128, 1, 300]: harmonic c at (c+1)*80 Hz with a 1/(c+1) spectrum of unit energy. */
function harmonicBasis(): Float32Array {
  const spectrumNorm = Math.sqrt(Array.from({ length: KOKORO_CONV_OUT_CHANNELS }, (_, c) => 1 / (c + 1) ** 2).reduce((a, b) => a + b, 0));
  const basis = new Float32Array(KOKORO_CONV_OUT_CHANNELS * KOKORO_SAMPLES_PER_FRAME);
  for (let c = 0; c < KOKORO_CONV_OUT_CHANNELS; c++)
    for (let n = 0; n < KOKORO_SAMPLES_PER_FRAME; n++)
      basis[c * KOKORO_SAMPLES_PER_FRAME + n] =
        Math.sin((2 * Math.PI * BASE_FREQUENCY_HZ * (c + 1) * n) / KOKORO_SAMPLE_RATE_HZ) / ((c + 1) * spectrumNorm);
  return basis;
}

/**
 * Kokoro-shaped TTS: input_ids [1,T], style [1,256], speed [1] -> waveform [num_samples] at 24 kHz.
 * A length regulator gives every phoneme round(6/speed)-ish frames (F = round(6*T/speed) frames in all), the frame
 * features (phoneme embedding + an intonation arc) pass a 129->128 Conv1d + tanh, style[0:128] weights the 128
 * channels (timbre), a stride-300 ConvTranspose renders each frame as 300 samples of 80 Hz harmonics, and
 * mean(style[128:256]) sets the loudness; a tanh soft-limits the result (|waveform| < 1).
 */
export function kokoroModel(): Uint8Array {
  const g = new GraphBuilder();
  const random = seededRandom(0x6b6f6b6f);
  const i64 = (name: string, values: number[], dims = [values.length]): string => g.init(name, 'int64', dims, BigInt64Array.from(values.map(BigInt)));
  const f32 = (name: string, values: number[], dims: number[] = []): string => g.init(name, 'float32', dims, Float32Array.from(values));

  const inputIds = g.input('input_ids', 'int64', [1, 'sequence_length']);
  const style = g.input('style', 'float32', [1, KOKORO_STYLE_DIM]);
  const speed = g.input('speed', 'float32', [1]);

  // Length regulator: F = max(1, round(T * 6 / speed)); frame f shows phoneme floor((f + 0.5) * T / F).
  const tokens = g.op('Cast', [g.op('Shape', [inputIds], { start: attr.i(1), end: attr.i(2) })], { to: attr.i(ONNX_FLOAT) });
  const frameCount = g.op('Max', [g.op('Round', [g.op('Div', [g.op('Mul', [tokens, f32('frames_per_token', [KOKORO_FRAMES_PER_TOKEN])]), speed])]), f32('one_frame', [1])]);
  const frameIndex = g.op('Range', [f32('zero', [0]), g.op('Squeeze', [frameCount, i64('axes_0', [0])]), f32('step', [1])]);
  const frameCentre = g.op('Add', [frameIndex, f32('half', [0.5])]);
  const phonemeIndex = g.op('Cast', [g.op('Floor', [g.op('Div', [g.op('Mul', [frameCentre, tokens]), frameCount])])], { to: attr.i(ONNX_INT64) });
  const frameIds = g.op('Gather', [g.op('Reshape', [inputIds, i64('flat', [-1])]), phonemeIndex], { axis: attr.i(0) });
  const embedding = g.init('phoneme_embedding', 'float32', [KOKORO_VOCAB_ROWS, EMBED_DIM], uniformArray(random, KOKORO_VOCAB_ROWS * EMBED_DIM, 1));
  const frameEmbedding = g.op('Gather', [embedding, frameIds], { axis: attr.i(0) });
  const intonation = g.op('Unsqueeze', [g.op('Sin', [g.op('Mul', [g.op('Div', [frameCentre, frameCount]), f32('pi', [Math.PI])])]), i64('axes_1', [1])]);
  const features = g.op('Unsqueeze', [g.op('Transpose', [g.op('Concat', [frameEmbedding, intonation], { axis: attr.i(1) })], { perm: attr.ints([1, 0]) }), i64('axes_0b', [0])]);

  // The Conv1d on [1, 129, F] that the WebGPU self-check must catch.
  const convWeight = g.init('conv_weight', 'float32', [KOKORO_CONV_OUT_CHANNELS, KOKORO_CONV_IN_CHANNELS, CONV_KERNEL],
    uniformArray(random, KOKORO_CONV_OUT_CHANNELS * KOKORO_CONV_IN_CHANNELS * CONV_KERNEL, 2 / Math.sqrt(KOKORO_CONV_IN_CHANNELS * CONV_KERNEL)));
  const convBias = g.init('conv_bias', 'float32', [KOKORO_CONV_OUT_CHANNELS], uniformArray(random, KOKORO_CONV_OUT_CHANNELS, 0.1));
  const hidden = g.op('Tanh', [g.op('Conv', [features, convWeight, convBias], { kernel_shape: attr.ints([CONV_KERNEL]), pads: attr.ints([1, 1]) })]);

  // Style: first half -> per-channel timbre weights, second half -> loudness.
  const timbre = g.op('Sigmoid', [g.op('Mul', [g.op('Slice', [style, i64('timbre_start', [0]), i64('timbre_end', [128]), i64('style_axis', [1])]), f32('timbre_gain', [3])])]);
  const shaped = g.op('Mul', [hidden, g.op('Unsqueeze', [timbre, i64('axes_2', [2])])]);
  const loudnessMean = g.op('ReduceMean', [g.op('Slice', [style, i64('loud_start', [128]), i64('loud_end', [256]), i64('style_axis_b', [1])])], { axes: attr.ints([1]), keepdims: attr.i(0) });
  const loudness = g.op('Add', [f32('loud_floor', [0.05]), g.op('Mul', [f32('loud_range', [0.25]), g.op('Sigmoid', [g.op('Mul', [loudnessMean, f32('loud_gain', [8])])])])]);

  const basis = g.init('harmonic_basis', 'float32', [KOKORO_CONV_OUT_CHANNELS, 1, KOKORO_SAMPLES_PER_FRAME], harmonicBasis());
  const audio = g.op('ConvTranspose', [shaped, basis], { kernel_shape: attr.ints([KOKORO_SAMPLES_PER_FRAME]), strides: attr.ints([KOKORO_SAMPLES_PER_FRAME]) });
  g.output('waveform', 'float32', ['num_samples'], g.op('Reshape', [g.op('Tanh', [g.op('Mul', [audio, loudness])]), i64('flat_b', [-1])]));
  return g.model('tiny_kokoro');
}
