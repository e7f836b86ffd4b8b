import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../tinyPack/onnxGraph';
import { ScaleWeights } from '../scaleWeights';
import { KOKORO_82M_DIMS, samplesPerFrame, type KokoroDims } from './kokoroConfig';
import { kokoroGraph, type KokoroFormat } from './kokoroGraph';
import { KokoroLayers } from './kokoroLayers';
import { kokoroParameterBreakdown } from './kokoroParameters';
import { forwardBasis, inverseBasis } from './stftBasis';

const { onnx } = onnxProto;
const SEED = 5;
/** Real widths (PL-BERT 768, hidden 512, style 128, LSTMs, max_dur 50) with a narrow decoder and generator and 2 ALBERT passes. */
const TEST_DIMS: KokoroDims = {
  ...KOKORO_82M_DIMS,
  albert: { ...KOKORO_82M_DIMS.albert, layers: 2 },
  decoderWidth: 64,
  istft: { ...KOKORO_82M_DIMS.istft, upsampleInitialChannel: 32 },
};

function phonemeIds(count: number): BigInt64Array {
  // Pad id 0 at both ends, as the speaker sends them.
  return BigInt64Array.from({ length: count + 2 }, (_, i) => (i === 0 || i === count + 1 ? 0n : BigInt(43 + ((i * 7) % 60))));
}

async function speak(session: ort.InferenceSession, phonemes: number, speed: number) {
  const ids = phonemeIds(phonemes);
  const style = Float32Array.from({ length: 256 }, (_, i) => 0.15 * Math.sin(0.3 * i));
  const out = await session.run({
    input_ids: new ort.Tensor('int64', ids, [1, ids.length]),
    style: new ort.Tensor('float32', style, [1, 256]),
    speed: new ort.Tensor('float32', Float32Array.of(speed), [1]),
  });
  const durations = Array.from(out.durations!.data as BigInt64Array, Number);
  return { waveform: out.waveform!, durations, frames: durations.reduce((a, b) => a + b, 0) };
}

describe('the scale Kokoro graph', () => {
  it('counts the parameters the config arithmetic gives, and 82M at the real dimensions', () => {
    expect(kokoroGraph(TEST_DIMS, 'fp32', SEED).parameters).toBe(kokoroParameterBreakdown(TEST_DIMS).total);
    expect(kokoroGraph(TEST_DIMS, 'q8', SEED).parameters).toBe(kokoroParameterBreakdown(TEST_DIMS).total);
    expect(Math.abs(kokoroParameterBreakdown(KOKORO_82M_DIMS).total / 82e6 - 1)).toBeLessThan(0.01);
  });

  describe.each<KokoroFormat>(['fp32', 'q8'])('%s', (format) => {
    let bytes: Uint8Array;
    let session: ort.InferenceSession;
    beforeAll(async () => {
      bytes = kokoroGraph(TEST_DIMS, format, SEED, { withDurations: true }).bytes;
      session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    }, 60_000);

    it('keeps the onnx-community contract: input_ids int64 [1, T], style float32 [1, 256], speed float32 [1] -> waveform float32 [samples]', () => {
      const graph = onnx.ModelProto.decode(bytes).graph!;
      const signature = (values: typeof graph.input) =>
        (values ?? []).map((v) => [v.name, v.type!.tensorType!.elemType, v.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)))]);
      const T = onnx.TensorProto.DataType;
      expect(signature(graph.input)).toEqual([
        ['input_ids', T.INT64, [1, 'sequence_length']],
        ['style', T.FLOAT, [1, 256]],
        ['speed', T.FLOAT, [1]],
      ]);
      expect(signature(graph.output)[0]).toEqual(['waveform', T.FLOAT, ['num_samples']]);
    });

    it('speaks finite audio in [-1, 1], one alignment frame of samples per predicted frame', async () => {
      const { waveform, durations, frames } = await speak(session, 20, 1);
      expect(waveform.type).toBe('float32');
      expect(waveform.dims).toEqual([frames * samplesPerFrame(TEST_DIMS)]);
      expect(durations).toHaveLength(22);
      expect(Math.min(...durations)).toBeGreaterThanOrEqual(1);
      // ~3 frames of 40 Hz per phoneme: natural speech rate.
      expect(frames / durations.length).toBeGreaterThan(2);
      expect(frames / durations.length).toBeLessThan(5);
      const samples = waveform.data as Float32Array;
      expect(samples.every(Number.isFinite)).toBe(true);
      const peak = samples.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(1e-3);
      expect(peak).toBeLessThan(1);
    });

    it('says the same on its first run in any session: the source noise is seeded, so the page can compare WebGPU with wasm', async () => {
      const fresh = () => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
      const first = (await speak(await fresh(), 12, 1)).waveform.data as Float32Array;
      const again = (await speak(await fresh(), 12, 1)).waveform.data as Float32Array;
      expect(again.length).toBe(first.length);
      expect(first.some((v, i) => v !== again[i])).toBe(false);
    });

    it('grows the audio with the phoneme count and with 1 / speed', async () => {
      const short = await speak(session, 10, 1);
      const long = await speak(session, 40, 1);
      const slow = await speak(session, 40, 0.5);
      expect(long.waveform.dims[0]).toBeGreaterThan(3 * short.waveform.dims[0]!);
      // Halving the speed doubles each phoneme's frames before rounding: within half a frame per phoneme of 2x.
      expect(Math.abs(slow.frames - 2 * long.frames)).toBeLessThanOrEqual(long.durations.length);
      expect(slow.waveform.dims[0]).toBe(slow.frames * samplesPerFrame(TEST_DIMS));
    });
  });
});

describe('AdaIN1d + Snake', () => {
  it('matches the equations computed in plain TypeScript from the same weights (fp32, 1e-4)', async () => {
    const [channels, frames, styleWidth] = [6, 9, 128];
    const g = new GraphBuilder();
    const l = new KokoroLayers(g, new ScaleWeights(g, SEED, 'fp32'), SEED);
    const x = g.input('x', 'float32', [1, channels, frames]);
    const s = g.input('s', 'float32', [1, styleWidth]);
    g.output('y', 'float32', [1, channels, frames], l.snake(l.adaIn1d(x, s, 'block', styleWidth, channels), 'block.alpha', channels));
    const model = g.model('adain_snake');
    const weights = new Map((onnx.ModelProto.decode(model).graph!.initializer ?? []).map((t) => [t.name!, new Float32Array(Uint8Array.from(t.rawData!).buffer)]));
    const fcWeight = weights.get('block.fc.weight')!; // [style, 2C], y = s W + b
    const fcBias = weights.get('block.fc.bias')!;

    const xs = Float32Array.from({ length: channels * frames }, (_, i) => Math.sin(1.7 * i) * (1 + (i % 5)));
    const ss = Float32Array.from({ length: styleWidth }, (_, i) => 0.3 * Math.cos(0.9 * i));
    const session = await ort.InferenceSession.create(model);
    const { y } = await session.run({ x: new ort.Tensor('float32', xs, [1, channels, frames]), s: new ort.Tensor('float32', ss, [1, styleWidth]) });

    const h = Array.from({ length: 2 * channels }, (_, j) => fcBias[j]! + ss.reduce((sum, v, k) => sum + v * fcWeight[k * 2 * channels + j]!, 0));
    const expected = new Float32Array(channels * frames);
    for (let ch = 0; ch < channels; ch++) {
      const row = Array.from(xs.subarray(ch * frames, (ch + 1) * frames));
      const mean = row.reduce((a, b) => a + b, 0) / frames;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / frames;
      const alpha = weights.get('block.alpha')![ch]!;
      row.forEach((v, t) => {
        // InstanceNorm affine (weight 1, bias 0), then (1 + gamma) * . + beta, then Snake.
        const adain = (1 + h[ch]!) * ((v - mean) / Math.sqrt(variance + 1e-5)) + h[channels + ch]!;
        expected[ch * frames + t] = adain + Math.sin(alpha * adain) ** 2 / alpha;
      });
    }
    const actual = y!.data as Float32Array;
    expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 4));
  });
});

describe('the conv STFT bases', () => {
  it('invert each other: overlap-added inverse(forward(x)) = x away from the edges (1e-5)', () => {
    const [nFft, hop] = [KOKORO_82M_DIMS.istft.nFft, KOKORO_82M_DIMS.istft.hop];
    const bins = nFft / 2 + 1;
    const signal = Float32Array.from({ length: 200 }, (_, n) => Math.sin(0.37 * n) + 0.5 * Math.cos(1.3 * n + 0.2));
    const forward = forwardBasis(nFft);
    const inverse = inverseBasis(nFft, hop);
    const out = new Float64Array(signal.length);
    for (let start = 0; start + nFft <= signal.length; start += hop)
      for (let k = 0; k < bins; k++) {
        let [re, im] = [0, 0];
        for (let n = 0; n < nFft; n++) {
          re += forward.real[k * nFft + n]! * signal[start + n]!;
          im += forward.imag[k * nFft + n]! * signal[start + n]!;
        }
        for (let n = 0; n < nFft; n++) out[start + n]! += re * inverse.real[k * nFft + n]! + im * inverse.imag[k * nFft + n]!;
      }
    for (let n = nFft; n < signal.length - nFft; n++) expect(out[n]).toBeCloseTo(signal[n]!, 5);
  });
});

