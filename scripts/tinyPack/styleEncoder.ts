import { GraphBuilder, attr } from './onnxGraph';
import { packJson, writePackFile } from './packFiles';
import { seededRandom, uniformArray } from './seededRandom';

export const STYLE_ENCODER_MELS = 80;
export const STYLE_ENCODER_HIDDEN = 64;
/** StyleTTS2's ref_s: [128 acoustic (style_encoder) | 128 prosodic (predictor_encoder)]. */
export const STYLE_ENCODER_STYLE_DIM = 256;
const CONV_KERNEL = 3;
const SEED = 0x57e1e;
/** Weight ranges chosen so activations stay O(1) for normalised log-mels in about [-2, 2] and tanh does not saturate. */
const CONV_SCALE = 0.1;
const LINEAR_SCALE = 0.3;
const BIAS_SCALE = 0.05;

/** The preprocessing a real StyleTTS2-LibriTTS style encoder expects (meldataset.py `preprocess`), for whoever exports one. */
export function styleEncoderConfig(): Record<string, unknown> {
  return {
    model_type: 'styletts2_style_encoder',
    style_dim: STYLE_ENCODER_STYLE_DIM,
    style_layout: '[0, 128) acoustic (style_encoder) | [128, 256) prosodic (predictor_encoder)',
    input: { name: 'mel', dtype: 'float32', shape: [1, STYLE_ENCODER_MELS, 'frames'] },
    output: { name: 'style', dtype: 'float32', shape: [1, STYLE_ENCODER_STYLE_DIM] },
    preprocessing: {
      sample_rate_hz: 24000,
      n_fft: 2048,
      win_length: 1200,
      hop_length: 300,
      window: 'periodic Hann of win_length, zero-padded to n_fft (centred)',
      center: true,
      pad_mode: 'reflect',
      power: 2,
      n_mels: STYLE_ENCODER_MELS,
      mel_scale: 'htk',
      mel_norm: null,
      mel_f_min_hz: 0,
      mel_f_max_hz: 8000,
      mel_filterbank_sample_rate_hz: 16000,
      mel_filterbank_note: 'StyleTTS2 leaves torchaudio MelSpectrogram sample_rate at its 16 kHz default, so the filters are laid out as if bins spanned 0-8 kHz although the audio is 24 kHz',
      log: 'ln(1e-5 + mel)',
      normalise: '(x + 4) / 4',
    },
  };
}

/** mel [1, 80, frames] -> Conv1d 80->64 (k3, p1) -> ReLU -> mean over time -> Linear 64->256 -> tanh -> style [1, 256]. */
export function styleEncoderModel(): Uint8Array {
  const random = seededRandom(SEED);
  const g = new GraphBuilder();
  const mel = g.input('mel', 'float32', [1, STYLE_ENCODER_MELS, 'frames']);
  const convW = g.init('conv.weight', 'float32', [STYLE_ENCODER_HIDDEN, STYLE_ENCODER_MELS, CONV_KERNEL], uniformArray(random, STYLE_ENCODER_HIDDEN * STYLE_ENCODER_MELS * CONV_KERNEL, CONV_SCALE));
  const convB = g.init('conv.bias', 'float32', [STYLE_ENCODER_HIDDEN], uniformArray(random, STYLE_ENCODER_HIDDEN, BIAS_SCALE));
  const linearW = g.init('linear.weight', 'float32', [STYLE_ENCODER_HIDDEN, STYLE_ENCODER_STYLE_DIM], uniformArray(random, STYLE_ENCODER_HIDDEN * STYLE_ENCODER_STYLE_DIM, LINEAR_SCALE));
  const linearB = g.init('linear.bias', 'float32', [STYLE_ENCODER_STYLE_DIM], uniformArray(random, STYLE_ENCODER_STYLE_DIM, BIAS_SCALE));
  const conv = g.op('Conv', [mel, convW, convB], { kernel_shape: attr.ints([CONV_KERNEL]), pads: attr.ints([1, 1]) });
  const pooled = g.op('ReduceMean', [g.op('Relu', [conv])], { axes: attr.ints([2]), keepdims: attr.i(0) });
  const style = g.op('Tanh', [g.op('Add', [g.op('MatMul', [pooled, linearW]), linearB])]);
  g.output('style', 'float32', [1, STYLE_ENCODER_STYLE_DIM], style);
  return g.model('tiny_style_encoder');
}

/** Writes a tiny StyleTTS2-contract style encoder (config.json, onnx/model.onnx); returns the pack-relative paths. */
export async function writeTinyStyleEncoder(modelDir: string): Promise<string[]> {
  return Promise.all([
    writePackFile(modelDir, 'config.json', packJson(styleEncoderConfig())),
    writePackFile(modelDir, 'onnx/model.onnx', styleEncoderModel()),
  ]);
}
