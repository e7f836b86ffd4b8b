// Which generated model plays which role in each scale pack; model ids match the manifest's scale-<variant> packs.
import type { ComponentRole } from '../../src/models/manifest';
import { es4rDefaultScale, es4rLiteScale } from './es4r';
import { kokoroScale } from './kokoro/index';
import { qwen25EmbedsScale, qwen25Scale, smolLm2EmbedsScale, smolLm2Scale } from './llm/index';
import type { ScaleModel } from './scaleModel';
import { whisperBaseScale, whisperTinyScale } from './whisper/index';

export type ScaleVariant = 'lite' | 'default';

/** One seed for every scale pack: the same command writes the same bytes on every machine. */
export const SCALE_SEED = 0x5ca1e;

export const SCALE_PACKS: Record<ScaleVariant, Partial<Record<ComponentRole, ScaleModel>>> = {
  lite: { asr: whisperTinyScale, llm: smolLm2Scale, tts: kokoroScale, es4r: es4rLiteScale, speech_llm: smolLm2EmbedsScale },
  default: { asr: whisperBaseScale, llm: qwen25Scale, tts: kokoroScale, es4r: es4rDefaultScale, speech_llm: qwen25EmbedsScale },
};
