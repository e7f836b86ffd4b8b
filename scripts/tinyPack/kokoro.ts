import { kokoroModel } from './kokoroGraph';
import { kokoroTokenizerConfig, kokoroTokenizerJson } from './kokoroTokenizer';
import { KOKORO_VOICE_NAMES, kokoroVoice } from './kokoroVoices';
import { packJson, writePackFile } from './packFiles';

/**
 * Writes a Kokoro-82M-v1.0-shaped TTS in the onnx-community layout (config.json, tokenizer files, onnx/model.onnx,
 * voices/<name>.bin), loadable with StyleTextToSpeech2Model.from_pretrained. Returns the written pack-relative paths.
 */
export async function writeTinyKokoro(modelDir: string): Promise<string[]> {
  return Promise.all([
    writePackFile(modelDir, 'config.json', packJson({ model_type: 'style_text_to_speech_2' })),
    writePackFile(modelDir, 'tokenizer.json', packJson(kokoroTokenizerJson())),
    writePackFile(modelDir, 'tokenizer_config.json', packJson(kokoroTokenizerConfig())),
    writePackFile(modelDir, 'onnx/model.onnx', kokoroModel()),
    ...KOKORO_VOICE_NAMES.map((name) => {
      const voice = kokoroVoice(name);
      return writePackFile(modelDir, `voices/${name}.bin`, new Uint8Array(voice.buffer, voice.byteOffset, voice.byteLength));
    }),
  ]);
}
