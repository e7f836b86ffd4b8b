// Kokoro's istftnet.Decoder: ASR features, F0 and energy through AdainResBlk1d blocks into the generator.
import { attr } from '../../tinyPack/onnxGraph';
import { adainResBlk1d } from './kokoroBlocks';
import type { KokoroDims } from './kokoroConfig';
import type { KokoroLayers } from './kokoroLayers';
import { generator } from './generator';

/** Channels of the ASR residual concatenated before each decode block (asr_res). */
const ASR_RESIDUAL_CHANNELS = 64;
const DECODE_BLOCKS = 4;

/** Decoder(asr [1, hidden, F], F0 curve [1, 2F], energy [1, 2F], s) -> waveform [1, samples]. */
export function decoder(l: KokoroLayers, asr: string, f0Curve: string, energy: string, s: string, dims: KokoroDims): string {
  const { g, c } = l;
  const { hidden, decoderWidth, style: styleWidth } = dims;
  const halve = (curve: string, name: string) =>
    l.conv(g.op('Unsqueeze', [curve, c.ints([1])]), { name, inChannels: 1, outChannels: 1, kernel: 3, stride: 2, padding: 1 });
  const f0 = halve(f0Curve, 'decoder.F0_conv');
  const n = halve(energy, 'decoder.N_conv');
  let x = adainResBlk1d(l, g.op('Concat', [asr, f0, n], { axis: attr.i(1) }), s, 'decoder.encode', { inChannels: hidden + 2, outChannels: decoderWidth, styleWidth });
  const asrResidual = l.conv(asr, { name: 'decoder.asr_res.0', inChannels: hidden, outChannels: ASR_RESIDUAL_CHANNELS, kernel: 1 });
  for (let i = 0; i < DECODE_BLOCKS; i++) {
    const last = i === DECODE_BLOCKS - 1;
    const inChannels = decoderWidth + 2 + ASR_RESIDUAL_CHANNELS;
    // Every block before (and including) the upsampling one sees the residuals again.
    x = g.op('Concat', [x, asrResidual, f0, n], { axis: attr.i(1) });
    x = adainResBlk1d(l, x, s, `decoder.decode.${i}`, { inChannels, outChannels: last ? dims.istft.upsampleInitialChannel : decoderWidth, styleWidth, upsample: last });
  }
  return generator(l, x, s, f0Curve, dims);
}
