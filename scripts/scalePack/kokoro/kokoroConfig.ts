// Kokoro-82M v1.0's public config.json (hexgrad/Kokoro-82M), and the dimensions the scale graph is built from.
import { KOKORO_VOCAB_ROWS } from '../../tinyPack/kokoroTokenizer';

/** The widths and depths of one Kokoro graph; the real ones are KOKORO_82M_DIMS, tests shrink some of them. */
export interface KokoroDims {
  /** Phoneme vocabulary rows (config n_token). */
  tokens: number;
  /** Width of the text encoder and the prosody predictor (config hidden_dim). */
  hidden: number;
  /** Width of each half of the 256-float style vector (config style_dim). */
  style: number;
  /** Conv + LayerNorm layers of the text encoder, bi-LSTM + AdaLayerNorm layers of the duration encoder (config n_layer). */
  layers: number;
  /** Duration bins summed through a sigmoid (config max_dur). */
  maxDuration: number;
  textKernel: number;
  albert: { hidden: number; heads: number; intermediate: number; embedding: number; maxPositions: number; layers: number };
  /** The decoder's AdainResBlk1d width (1024 in Kokoro's istftnet.Decoder, not in the config). */
  decoderWidth: number;
  istft: {
    upsampleRates: number[];
    upsampleKernels: number[];
    upsampleInitialChannel: number;
    resblockKernels: number[];
    resblockDilations: number[][];
    nFft: number;
    hop: number;
  };
}

export const KOKORO_82M_DIMS: KokoroDims = {
  tokens: KOKORO_VOCAB_ROWS,
  hidden: 512,
  style: 128,
  layers: 3,
  maxDuration: 50,
  textKernel: 5,
  albert: { hidden: 768, heads: 12, intermediate: 2048, embedding: 128, maxPositions: 512, layers: 12 },
  decoderWidth: 1024,
  istft: {
    upsampleRates: [10, 6],
    upsampleKernels: [20, 12],
    upsampleInitialChannel: 512,
    resblockKernels: [3, 7, 11],
    resblockDilations: [
      [1, 3, 5],
      [1, 3, 5],
      [1, 3, 5],
    ],
    nFft: 20,
    hop: 5,
  },
};

/** The harmonics of the source module (SineGen's harmonic_num 8: the fundamental and 8 overtones). */
export const KOKORO_HARMONICS = 9;
export const KOKORO_SAMPLE_RATE_HZ = 24_000;

/** Samples per alignment frame: the decoder's 2x upsampling, the generator's upsample rates and the iSTFT hop. */
export function samplesPerFrame(dims: KokoroDims): number {
  return 2 * dims.istft.upsampleRates.reduce((a, b) => a * b, 1) * dims.istft.hop;
}

/** config.json as hexgrad/Kokoro-82M publishes it (vocabulary included), plus the model_type transformers.js reads. */
export function kokoroConfigJson(vocab: Record<string, number>, dims: KokoroDims = KOKORO_82M_DIMS): object {
  return {
    model_type: 'style_text_to_speech_2',
    istftnet: {
      upsample_kernel_sizes: dims.istft.upsampleKernels,
      upsample_rates: dims.istft.upsampleRates,
      gen_istft_hop_size: dims.istft.hop,
      gen_istft_n_fft: dims.istft.nFft,
      resblock_dilation_sizes: dims.istft.resblockDilations,
      resblock_kernel_sizes: dims.istft.resblockKernels,
      upsample_initial_channel: dims.istft.upsampleInitialChannel,
    },
    dim_in: 64,
    dropout: 0.2,
    hidden_dim: dims.hidden,
    max_conv_dim: 512,
    max_dur: dims.maxDuration,
    multispeaker: true,
    n_layer: dims.layers,
    n_mels: 80,
    n_token: dims.tokens,
    style_dim: dims.style,
    text_encoder_kernel_size: dims.textKernel,
    plbert: {
      hidden_size: dims.albert.hidden,
      num_attention_heads: dims.albert.heads,
      intermediate_size: dims.albert.intermediate,
      max_position_embeddings: dims.albert.maxPositions,
      num_hidden_layers: dims.albert.layers,
      dropout: 0.1,
    },
    vocab,
  };
}
