// iSTFTNet's Generator as Kokoro has it: the harmonic-plus-noise source from F0, its STFT fed in at each upsampling
// stage, AdaIN resblocks with Snake, and a conv-based inverse STFT of exp(magnitude) and sin(phase).
import { attr } from '../../tinyPack/onnxGraph';
import { adainResBlock1 } from './kokoroBlocks';
import { KOKORO_HARMONICS, KOKORO_SAMPLE_RATE_HZ, type KokoroDims } from './kokoroConfig';
import type { KokoroLayers } from './kokoroLayers';
import { forwardBasis, inverseBasis } from './stftBasis';

const ONNX_FLOAT = 1;
/** SineGen's constants in Kokoro: sine amplitude, voiced noise, voiced threshold (Hz). */
const SINE_AMPLITUDE = 0.1;
const VOICED_NOISE_STD = 0.003;
const VOICED_THRESHOLD_HZ = 10;
const GENERATOR_LEAKY_SLOPE = 0.1;
/** F.leaky_relu's default slope, used before conv_post. */
const POST_LEAKY_SLOPE = 0.01;
/**
 * Bias of conv_post's log-magnitude channels (its weights kept small): exp(-0.5) ~ 0.6 per bin gives a random-weight
 * waveform of rms ~0.02 and peaks ~0.15, well inside [-1, 1] without clipping, as the real iSTFT output is not clipped.
 */
const LOG_MAGNITUDE_BIAS = -0.5;
/** Seeds of the graph's random ops: fixed, so a session's first run is reproducible. */
const PHASE_SEED = 7;
const NOISE_SEED = 11;

/** SourceModuleHnNSF(F0 curve [1, frames]) -> the merged harmonic excitation [1, 1, samples]. */
function harmonicSource(l: KokoroLayers, f0Curve: string, upsampleScale: number): string {
  const { g, c } = l;
  const toFramesLast = { perm: attr.ints([0, 2, 1]) };
  // nn.Upsample(scale_factor) nearest, then [1, samples, 1].
  const f0 = g.op('Transpose', [g.op('Resize', [g.op('Unsqueeze', [f0Curve, c.ints([1])]), '', c.floats([1, 1, upsampleScale])], {
    mode: attr.s('nearest'), coordinate_transformation_mode: attr.s('asymmetric'), nearest_mode: attr.s('floor'),
  })], toFramesLast);
  const harmonics = g.op('Mul', [f0, c.floats(Array.from({ length: KOKORO_HARMONICS }, (_, k) => k + 1), [1, 1, KOKORO_HARMONICS])]);
  const radians = g.op('Mod', [g.op('Div', [harmonics, c.scalar(KOKORO_SAMPLE_RATE_HZ)]), c.scalar(1)], { fmod: attr.i(1) });
  // A random initial phase for each overtone (none for the fundamental), added at the first sample.
  const initialPhase = g.op('Mul', [g.op('RandomUniformLike', [c.floats(new Array(KOKORO_HARMONICS).fill(0), [1, KOKORO_HARMONICS])], { seed: attr.f(PHASE_SEED) }),
    c.floats([0, ...new Array(KOKORO_HARMONICS - 1).fill(1)], [1, KOKORO_HARMONICS])]);
  const first = g.op('Add', [g.op('Slice', [radians, c.ints([0]), c.ints([1]), c.ints([1])]), g.op('Unsqueeze', [initialPhase, c.ints([1])])]);
  const rest = g.op('Slice', [radians, c.ints([1]), c.ints([2 ** 62]), c.ints([1])]);
  const perSample = g.op('Transpose', [g.op('Concat', [first, rest], { axis: attr.i(1) })], toFramesLast);
  // Phase accumulated at the frame rate and interpolated back (F.interpolate linear, down then up).
  const linear = { mode: attr.s('linear'), coordinate_transformation_mode: attr.s('half_pixel') };
  const perFrame = g.op('Resize', [perSample, '', c.floats([1, 1, 1 / upsampleScale])], linear);
  const phase = g.op('Mul', [g.op('CumSum', [perFrame, c.ints([2], [])]), c.scalar(2 * Math.PI * upsampleScale)]);
  const sines = g.op('Mul', [g.op('Sin', [g.op('Transpose', [g.op('Resize', [phase, '', c.floats([1, 1, upsampleScale])], linear)], toFramesLast)]), c.scalar(SINE_AMPLITUDE)]);
  const voiced = g.op('Cast', [g.op('Greater', [f0, c.scalar(VOICED_THRESHOLD_HZ)])], { to: attr.i(ONNX_FLOAT) });
  const noiseAmplitude = g.op('Add', [g.op('Mul', [voiced, c.scalar(VOICED_NOISE_STD - SINE_AMPLITUDE / 3)]), c.scalar(SINE_AMPLITUDE / 3)]);
  const noise = g.op('Mul', [noiseAmplitude, g.op('RandomNormalLike', [sines], { seed: attr.f(NOISE_SEED) })]);
  const excitation = g.op('Add', [g.op('Mul', [sines, voiced]), noise]);
  const merged = g.op('Tanh', [l.linear(excitation, { name: 'decoder.generator.m_source.l_linear', inFeatures: KOKORO_HARMONICS, outFeatures: 1, bias: true })]);
  return g.op('Transpose', [merged], toFramesLast);
}

/** atan2(y, x) from Atan and quadrant fixes, as ONNX has no Atan2. */
function atan2(l: KokoroLayers, y: string, x: string): string {
  const { g, c } = l;
  const safeX = g.op('Where', [g.op('Equal', [x, c.scalar(0)]), c.scalar(1e-12), x]);
  const base = g.op('Atan', [g.op('Div', [y, safeX])]);
  const turn = g.op('Where', [g.op('Less', [x, c.scalar(0)]), g.op('Where', [g.op('GreaterOrEqual', [y, c.scalar(0)]), c.scalar(Math.PI), c.scalar(-Math.PI)]), c.scalar(0)]);
  return g.op('Add', [base, turn]);
}

/** CustomSTFT.transform: edge-padded conv1d with the DFT basis -> [1, 2 * bins, frames] (magnitude, phase). */
function stft(l: KokoroLayers, signal: string, dims: KokoroDims): string {
  const { g, c } = l;
  const { nFft, hop } = dims.istft;
  const bins = nFft / 2 + 1;
  const padded = g.op('Pad', [signal, c.ints([0, 0, nFft / 2, 0, 0, nFft / 2])], { mode: attr.s('edge') });
  const basis = forwardBasis(nFft);
  const real = l.fixedConv(padded, 'decoder.generator.stft.weight_forward_real', basis.real, [bins, 1, nFft], hop);
  const imag = l.fixedConv(padded, 'decoder.generator.stft.weight_forward_imag', basis.imag, [bins, 1, nFft], hop);
  const magnitude = g.op('Sqrt', [g.op('Add', [g.op('Add', [g.op('Mul', [real, real]), g.op('Mul', [imag, imag])]), c.scalar(1e-14)])]);
  return g.op('Concat', [magnitude, atan2(l, imag, real)], { axis: attr.i(1) });
}

/** CustomSTFT.inverse(exp(log magnitude), sin(phase)) -> [1, samples]: two transposed convs, centre padding trimmed. */
function inverseStft(l: KokoroLayers, post: string, dims: KokoroDims): string {
  const { g, c } = l;
  const { nFft, hop } = dims.istft;
  const bins = nFft / 2 + 1;
  const [logMagnitude, phaseInput] = g.opN('Split', [post, c.ints([bins, bins])], 2, { axis: attr.i(1) });
  const magnitude = g.op('Exp', [logMagnitude!]);
  const phase = g.op('Sin', [phaseInput!]);
  const basis = inverseBasis(nFft, hop);
  const transposed = (x: string, name: string, weights: Float32Array) =>
    g.op('ConvTranspose', [x, g.init(`decoder.generator.stft.${name}`, 'float32', [bins, 1, nFft], weights)], { kernel_shape: attr.ints([nFft]), strides: attr.ints([hop]) });
  const audio = g.op('Add', [
    transposed(g.op('Mul', [magnitude, g.op('Cos', [phase])]), 'weight_backward_real', basis.real),
    transposed(g.op('Mul', [magnitude, g.op('Sin', [phase])]), 'weight_backward_imag', basis.imag),
  ]);
  const trimmed = g.op('Slice', [audio, c.ints([nFft / 2]), c.ints([-nFft / 2]), c.ints([2])]);
  return g.op('Squeeze', [trimmed, c.ints([1])]);
}

/** Generator(x [1, upsampleInitialChannel, 2F], s, F0 curve [1, 2F]) -> waveform [1, 2F * prod(rates) * hop]. */
export function generator(l: KokoroLayers, input: string, s: string, f0Curve: string, dims: KokoroDims): string {
  const { g, w } = l;
  const { upsampleRates, upsampleKernels, upsampleInitialChannel, resblockKernels, resblockDilations, nFft, hop } = dims.istft;
  const styleWidth = dims.style;
  const source = stft(l, harmonicSource(l, f0Curve, upsampleRates.reduce((a, b) => a * b, 1) * hop), dims);
  let x = input;
  upsampleRates.forEach((rate, i) => {
    const inChannels = upsampleInitialChannel / 2 ** i;
    const channels = upsampleInitialChannel / 2 ** (i + 1);
    const last = i === upsampleRates.length - 1;
    x = l.leakyRelu(x, GENERATOR_LEAKY_SLOPE);
    const sourceStride = upsampleRates.slice(i + 1).reduce((a, b) => a * b, 1);
    let xSource = last
      ? l.conv(source, { name: `decoder.generator.noise_convs.${i}`, inChannels: nFft + 2, outChannels: channels, kernel: 1 }, { weightNorm: false })
      : l.conv(source, { name: `decoder.generator.noise_convs.${i}`, inChannels: nFft + 2, outChannels: channels, kernel: 2 * sourceStride, stride: sourceStride, padding: Math.floor((sourceStride + 1) / 2) }, { weightNorm: false });
    xSource = adainResBlock1(l, xSource, s, `decoder.generator.noise_res.${i}`, channels, last ? 11 : 7, [1, 3, 5], styleWidth);
    const kernel = upsampleKernels[i]!;
    x = l.convTranspose(x, { name: `decoder.generator.ups.${i}`, inChannels, outChannels: channels, kernel, stride: rate, padding: (kernel - rate) / 2 });
    if (last) x = g.op('Pad', [x, l.c.ints([0, 0, 1, 0, 0, 0])], { mode: attr.s('reflect') });
    x = g.op('Add', [x, xSource]);
    const branches = resblockKernels.map((k, j) => adainResBlock1(l, x, s, `decoder.generator.resblocks.${i * resblockKernels.length + j}`, channels, k, resblockDilations[j]!, styleWidth));
    x = g.op('Div', [branches.reduce((sum, branch) => g.op('Add', [sum, branch])), l.c.scalar(branches.length)]);
  });
  x = l.leakyRelu(x, POST_LEAKY_SLOPE);
  const channels = upsampleInitialChannel / 2 ** upsampleRates.length;
  const bins = nFft / 2 + 1;
  const post = l.conv(x, { name: 'decoder.generator.conv_post', inChannels: channels, outChannels: nFft + 2, kernel: 7, padding: 3, bias: false, amplitude: 0.3 / Math.sqrt(channels * 7) });
  const postBias = w.float('decoder.generator.conv_post.bias', [nFft + 2, 1], Float32Array.from({ length: nFft + 2 }, (_, k) => (k < bins ? LOG_MAGNITUDE_BIAS : 0)));
  return inverseStft(l, g.op('Add', [post, postBias]), dims);
}
