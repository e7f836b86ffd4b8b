// Writes a scale Whisper folder as the onnx-community exports lay it out: configs, tokenizer, and
// onnx/encoder_model.onnx (fp32), onnx/encoder_model_quantized.onnx (q8), onnx/decoder_model_merged_q4.onnx (q4)
// and onnx/decoder_model_merged_int8.onnx (int8), one graph in memory at a time.
import { dtypeFileName } from '../../../src/models/manifest';
import { packJson, writePackFile } from '../../tinyPack/packFiles';
import { preprocessorConfigJson } from '../../tinyPack/whisper/configFiles';
import { tokenizerConfigJson, tokenizerJson } from '../../tinyPack/whisper/tokenizerFiles';
import type { GraphReport, ScaleModel, WrittenScaleModel } from '../scaleModel';
import { decoderParameters, encoderParameters, type WhisperArchitecture } from './architectures';
import type { BuiltGraph } from './builtGraph';
import { scaleGenerationConfigJson, scaleModelConfigJson } from './configFiles';
import { buildDecoder } from './decoderGraph';
import { buildEncoder } from './encoderGraph';
import { scaleTokenizerLayout } from './tokenizerLayout';
import { transcriptIds } from './transcript';

/** The counts are exact config arithmetic; only the float rounding of the figure itself is tolerated. */
const PARAMETER_TOLERANCE = 0.001;

function report(a: WhisperArchitecture, file: string, built: BuiltGraph, part: 'encoder' | 'decoder'): GraphReport {
  const expected = part === 'encoder' ? encoderParameters(a) : decoderParameters(a);
  const total = encoderParameters(a) + decoderParameters(a);
  return {
    file,
    dtype: built.format,
    parameters: built.parameters,
    expectedParameters: expected,
    expectedSource:
      `${a.name} config arithmetic: ${part} ${(expected / 1e6).toFixed(2)}M of ${(total / 1e6).toFixed(2)}M ` +
      `(${a.publicParametersSource} round the model to ${a.publicParameters / 1e6}M)`,
    parameterTolerance: PARAMETER_TOLERANCE,
    opHistogram: built.opHistogram,
  };
}

export function scaleWhisper(modelId: string, a: WhisperArchitecture): ScaleModel {
  return {
    modelId,
    async write(modelDir: string, seed: number): Promise<WrittenScaleModel> {
      const layout = scaleTokenizerLayout();
      const files = await Promise.all([
        writePackFile(modelDir, 'config.json', packJson(scaleModelConfigJson(a, layout))),
        writePackFile(modelDir, 'generation_config.json', packJson(scaleGenerationConfigJson(a, layout))),
        writePackFile(modelDir, 'preprocessor_config.json', packJson(preprocessorConfigJson())),
        writePackFile(modelDir, 'tokenizer.json', packJson(tokenizerJson(layout))),
        writePackFile(modelDir, 'tokenizer_config.json', packJson(tokenizerConfigJson(layout))),
      ]);
      const graphs: GraphReport[] = [];
      const builds: [string, () => BuiltGraph, 'encoder' | 'decoder'][] = [
        [dtypeFileName('encoder_model', 'fp32'), () => buildEncoder(a, 'fp32', seed), 'encoder'],
        [dtypeFileName('encoder_model', 'q8'), () => buildEncoder(a, 'q8', seed), 'encoder'],
        ...(['q4', 'int8'] as const).map((format): [string, () => BuiltGraph, 'decoder'] => [
          dtypeFileName('decoder_model_merged', format),
          () => buildDecoder(a, seed, { transcript: transcriptIds(layout), endOfText: layout.idOf('<|endoftext|>') }, format),
          'decoder',
        ]),
      ];
      for (const [file, build, part] of builds) {
        const built = build();
        files.push(await writePackFile(modelDir, file, built.bytes));
        graphs.push(report(a, file, built, part));
      }
      return { files, graphs };
    },
  };
}
