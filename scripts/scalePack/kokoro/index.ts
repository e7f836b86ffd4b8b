// `kokoroScale`: Kokoro-82M v1.0 at its real size for make:scale-pack, in the onnx-community layout (config.json,
// tokenizer files, onnx/model.onnx fp32, onnx/model_quantized.onnx q8, voices/<name>.bin).
import { kokoroTokenizerConfig, kokoroTokenizerJson } from '../../tinyPack/kokoroTokenizer';
import { kokoroVoice } from '../../tinyPack/kokoroVoices';
import { packJson, writePackFile } from '../../tinyPack/packFiles';
import type { GraphReport, ScaleModel } from '../scaleModel';
import { kokoroConfigJson, KOKORO_82M_DIMS } from './kokoroConfig';
import { kokoroGraph, type KokoroFormat } from './kokoroGraph';

/** The voices the scale packs' presets mix (and the tiny pack's British female). */
export const KOKORO_SCALE_VOICES = ['af_heart', 'af_bella', 'am_michael', 'bm_george', 'bf_emma'] as const;

const GRAPH_FILES: Record<KokoroFormat, string> = { fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' };

export const kokoroScale: ScaleModel = {
  modelId: 'scale/Kokoro-82M-v1.0-ONNX',
  async write(modelDir, seed) {
    const tokenizer = kokoroTokenizerJson() as { model: { vocab: Record<string, number> } };
    const files = [
      await writePackFile(modelDir, 'config.json', packJson(kokoroConfigJson(tokenizer.model.vocab))),
      await writePackFile(modelDir, 'tokenizer.json', packJson(tokenizer)),
      await writePackFile(modelDir, 'tokenizer_config.json', packJson(kokoroTokenizerConfig())),
    ];
    for (const name of KOKORO_SCALE_VOICES) {
      const voice = kokoroVoice(name);
      files.push(await writePackFile(modelDir, `voices/${name}.bin`, new Uint8Array(voice.buffer, voice.byteOffset, voice.byteLength)));
    }
    const graphs: GraphReport[] = [];
    // One graph at a time: each is ~325 MB (fp32) while it is serialised.
    for (const format of ['fp32', 'q8'] as const) {
      const { bytes, parameters, opHistogram } = kokoroGraph(KOKORO_82M_DIMS, format, seed);
      files.push(await writePackFile(modelDir, GRAPH_FILES[format], bytes));
      graphs.push({
        file: GRAPH_FILES[format],
        dtype: format,
        parameters,
        expectedParameters: 82e6,
        expectedSource: 'hexgrad/Kokoro-82M model card: "82 million parameters"',
        parameterTolerance: 0.01,
        opHistogram,
      });
    }
    return { files, graphs };
  },
};
