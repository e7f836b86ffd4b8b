/** Writes the tiny Whisper of the test pack: the real file layout and ONNX contracts, hand-designed weights. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generationConfigJson, modelConfigJson, preprocessorConfigJson } from './whisper/configFiles';
import { decoderModel } from './whisper/decoderGraph';
import { decoderTables } from './whisper/design';
import { encoderModel } from './whisper/encoderGraph';
import { Params } from './whisper/layers';
import { Xorshift32Random } from './seededRandom';
import { tokenizerConfigJson, tokenizerJson } from './whisper/tokenizerFiles';
import { tokenizerLayout } from './whisper/tokenizerLayout';

const ENCODER_SEED = 0x5eed_0001;
const DECODER_SEED = 0x5eed_0002;

const json = (value: object): string => `${JSON.stringify(value, null, 2)}\n`;

/** Writes every file into `modelDir` (e.g. public/models/tiny/whisper); returns their paths relative to it. */
export async function writeTinyWhisper(modelDir: string): Promise<string[]> {
  const layout = tokenizerLayout();
  const decoderParams = new Params(new Xorshift32Random(DECODER_SEED));
  const tables = decoderTables(layout, decoderParams.random);
  const files: [string, string | Uint8Array][] = [
    ['config.json', json(modelConfigJson(layout))],
    ['generation_config.json', json(generationConfigJson(layout))],
    ['preprocessor_config.json', json(preprocessorConfigJson())],
    ['tokenizer.json', json(tokenizerJson(layout))],
    ['tokenizer_config.json', json(tokenizerConfigJson(layout))],
    ['onnx/encoder_model.onnx', encoderModel(new Params(new Xorshift32Random(ENCODER_SEED)))],
    ['onnx/decoder_model_merged.onnx', decoderModel(decoderParams, tables, layout.tokens.length)],
  ];
  for (const [path, content] of files) {
    const target = join(modelDir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return files.map(([path]) => path);
}
