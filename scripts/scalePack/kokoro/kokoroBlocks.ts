// Kokoro's two residual blocks: AdainResBlk1d (prosody predictor and decoder) and AdaINResBlock1 (the generator's).
import { attr } from '../../tinyPack/onnxGraph';
import type { KokoroLayers } from './kokoroLayers';

/** StyleTTS2's LeakyReLU slope inside AdainResBlk1d. */
const BLOCK_LEAKY_SLOPE = 0.2;
/** F.interpolate(scale_factor=2, mode='nearest') as torch exports it. */
const NEAREST_2X = { mode: attr.s('nearest'), coordinate_transformation_mode: attr.s('asymmetric'), nearest_mode: attr.s('floor') };

/**
 * AdainResBlk1d on [1, inChannels, T] -> [1, outChannels, T (or 2T when upsampling)]:
 * residual = conv2(lrelu(AdaIN2(conv1(pool(lrelu(AdaIN1(x))))))), shortcut = conv1x1(upsample(x)), (sum) / sqrt 2.
 */
export function adainResBlk1d(
  l: KokoroLayers,
  x: string,
  s: string,
  name: string,
  { inChannels, outChannels, styleWidth, upsample = false }: { inChannels: number; outChannels: number; styleWidth: number; upsample?: boolean },
): string {
  const { g, c } = l;
  let r = l.leakyRelu(l.adaIn1d(x, s, `${name}.norm1`, styleWidth, inChannels), BLOCK_LEAKY_SLOPE);
  if (upsample) r = l.convTranspose(r, { name: `${name}.pool`, inChannels, outChannels: inChannels, kernel: 3, stride: 2, padding: 1, groups: inChannels, outputPadding: 1 });
  r = l.conv(r, { name: `${name}.conv1`, inChannels, outChannels, kernel: 3, padding: 1 });
  r = l.leakyRelu(l.adaIn1d(r, s, `${name}.norm2`, styleWidth, outChannels), BLOCK_LEAKY_SLOPE);
  r = l.conv(r, { name: `${name}.conv2`, inChannels: outChannels, outChannels, kernel: 3, padding: 1 });
  let shortcut = upsample ? g.op('Resize', [x, '', c.floats([1, 1, 2])], NEAREST_2X) : x;
  if (inChannels !== outChannels) shortcut = l.conv(shortcut, { name: `${name}.conv1x1`, inChannels, outChannels, kernel: 1, bias: false });
  return g.op('Mul', [g.op('Add', [r, shortcut]), c.scalar(Math.SQRT1_2)]);
}

/**
 * AdaINResBlock1 (HiFi-GAN's ResBlock1 with AdaIN and Snake) on [1, C, T], length kept: three times
 * x += conv2(snake(AdaIN(conv1_dilated(snake(AdaIN(x)))))).
 */
export function adainResBlock1(l: KokoroLayers, x: string, s: string, name: string, channels: number, kernel: number, dilations: number[], styleWidth: number): string {
  let out = x;
  dilations.forEach((dilation, i) => {
    let t = l.snake(l.adaIn1d(out, s, `${name}.adain1.${i}`, styleWidth, channels), `${name}.alpha1.${i}`, channels);
    t = l.conv(t, { name: `${name}.convs1.${i}`, inChannels: channels, outChannels: channels, kernel, dilation, padding: ((kernel - 1) * dilation) / 2 });
    t = l.snake(l.adaIn1d(t, s, `${name}.adain2.${i}`, styleWidth, channels), `${name}.alpha2.${i}`, channels);
    t = l.conv(t, { name: `${name}.convs2.${i}`, inChannels: channels, outChannels: channels, kernel, padding: (kernel - 1) / 2 });
    out = l.g.op('Add', [t, out]);
  });
  return out;
}
