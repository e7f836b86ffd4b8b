import type { ModelWorkerApi } from './modelApi';
import { blendVoices, voiceWithStyle } from '../conversation/voiceStyle';
import { cachedModelFile, MODEL_CACHE_NAME } from '../models/cachedModelFile';
import { kokoroFamily, type KokoroBundle } from '../models/tts/kokoroFamily';
import { loadVoiceTable, synthesize } from '../models/tts/kokoroSpeaker';
import { StyleEncoder } from '../models/tts/styleEncoder';
import { requireModel } from './requireModel';
import { serveModelWorker } from './serveModelWorker';
import type { TtsWorkerApi } from './ttsApi';

const PACK_REMEDY = 'The file is part of the model pack; fetch the pack again.';

/** Voice tables by URL: read once, blended per reply. */
const voiceTables = new Map<string, Promise<Float32Array>>();

function voiceTable(url: string): Promise<Float32Array> {
  let table = voiceTables.get(url);
  if (!table) {
    table = (async () => {
      const cache = await caches.open(MODEL_CACHE_NAME).catch(() => null);
      return loadVoiceTable(await cachedModelFile(url, PACK_REMEDY, cache));
    })();
    table.catch(() => voiceTables.delete(url));
    voiceTables.set(url, table);
  }
  return table;
}

let styleEncoder: StyleEncoder | null = null;

serveModelWorker<KokoroBundle, Omit<TtsWorkerApi, keyof ModelWorkerApi>>(kokoroFamily, (slot) => ({
  handlers: {
    async speak({ text, voice, voicesUrl, style }, context) {
      const bundle = requireModel(slot);
      const names = Object.keys(voice.voiceMix);
      const tables = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await voiceTable(`${voicesUrl}${name}.bin`)] as const)));
      const base = blendVoices(tables, voice.voiceMix);
      const speech = await synthesize(bundle, text, { style: null, voice: style ? voiceWithStyle(base, style) : base, speed: voice.speed, signal: context.signal });
      return { audio24k: speech.audio, timingsMs: speech.timingsMs };
    },
    async loadStyleEncoder({ modelUrl }) {
      const cache = await caches.open(MODEL_CACHE_NAME).catch(() => null);
      await styleEncoder?.release();
      styleEncoder = await StyleEncoder.create(await cachedModelFile(modelUrl, PACK_REMEDY, cache));
      return null;
    },
    async styleOf({ pcm16k }) {
      if (!styleEncoder) throw new Error('the style encoder is not loaded');
      return styleEncoder.styleOf(pcm16k);
    },
  },
}));
