// The plain recipe's models, loaded the way a web developer would with transformers.js: the ASR pipeline(), the causal
// LM and its tokenizer, Kokoro with one voice; each warmed up once at load as the conversational-webgpu demo does.
// Runtime-free: Node and the bench page differ only in where the voice's bytes come from.
import { AutoModelForCausalLM, AutoTokenizer, pipeline, type AutomaticSpeechRecognitionPipeline, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { ModelComponent, Pack } from '../../../src/models/manifest';
import { kokoroFamily, type KokoroBundle } from '../../../src/models/tts/kokoroFamily';
import { loadVoiceTable } from '../../../src/models/tts/kokoroSpeaker';
import { dtypeOnDevice } from '../../models/dtypeOnDevice';

export interface PlainModels {
  transcriber: AutomaticSpeechRecognitionPipeline;
  tokenizer: PreTrainedTokenizer;
  llm: PreTrainedModel;
  tts: KokoroBundle;
  /** The pack's default voice: the demo speaks in one voice. */
  voice: Float32Array;
  release(): Promise<void>;
}

/** transformers.js' device: onnxruntime-node's CPU EP, onnxruntime-web's wasm, or WebGPU in either. */
export type PlainDevice = 'cpu' | 'wasm' | 'webgpu';

/** Reads the bytes of voice `voiceName` of the TTS model `modelId` (its voices/<name>.bin). */
export type VoiceBytes = (modelId: string, voiceName: string) => Promise<Uint8Array>;

/** The component's dtype on this device, as our pipeline loads it. */
const dtypeOf = (component: ModelComponent, device: PlainDevice, shaderF16: boolean): never => dtypeOnDevice(component.dtype, device, shaderF16) as never;

export async function loadPlainModelSet(components: Pack['components'], device: PlainDevice, shaderF16: boolean, voiceBytes: VoiceBytes): Promise<PlainModels> {
  const { asr, llm, tts } = components;
  if (!tts.voices) throw new Error(`the pack's speech synthesis (${tts.modelId}) lists no voices`);
  const transcriber = (await pipeline('automatic-speech-recognition', asr.modelId, { device, dtype: dtypeOf(asr, device, shaderF16) })) as AutomaticSpeechRecognitionPipeline;
  await transcriber(new Float32Array(16_000));
  const tokenizer = await AutoTokenizer.from_pretrained(llm.modelId);
  const model = await AutoModelForCausalLM.from_pretrained(llm.modelId, { device, dtype: dtypeOf(llm, device, shaderF16) });
  await model.generate({ ...(tokenizer('x') as object), max_new_tokens: 1 } as never);
  const ttsBundle = await kokoroFamily.load(tts.modelId, device, dtypeOf(tts, device, shaderF16), () => {});
  await kokoroFamily.warmUp(ttsBundle);
  const voice = loadVoiceTable(await voiceBytes(tts.modelId, tts.voices.default));
  return {
    transcriber,
    tokenizer,
    llm: model,
    tts: ttsBundle,
    voice,
    async release() {
      await transcriber.dispose();
      await model.dispose();
      await kokoroFamily.dispose(ttsBundle);
    },
  };
}
