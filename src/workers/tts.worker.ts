import { blendVoices } from '../conversation/voiceStyle';
import { cachedModelFile, MODEL_CACHE_NAME } from '../models/cachedModelFile';
import { kokoroFamily, type KokoroBundle } from '../models/tts/kokoroFamily';
import { loadVoiceTable, synthesize } from '../models/tts/kokoroSpeaker';
import { requireModel, serveModelWorker } from './serveModelWorker';
import type { TtsWorkerApi } from './ttsApi';

/** Voice tables by URL: read once, blended per reply. */
const voiceTables = new Map<string, Promise<Float32Array>>();

function voiceTable(url: string): Promise<Float32Array> {
  let table = voiceTables.get(url);
  if (!table) {
    table = (async () => {
      const cache = await caches.open(MODEL_CACHE_NAME).catch(() => null);
      return loadVoiceTable(await cachedModelFile(url, "The voice file is part of the model pack; fetch the pack again.", cache));
    })();
    table.catch(() => voiceTables.delete(url));
    voiceTables.set(url, table);
  }
  return table;
}

serveModelWorker<KokoroBundle, Omit<TtsWorkerApi, 'load'>>(kokoroFamily, (slot) => ({
  async speak({ text, voice, voicesUrl }, context) {
    const bundle = requireModel(slot);
    const names = Object.keys(voice.voiceMix);
    const tables = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await voiceTable(`${voicesUrl}${name}.bin`)] as const)));
    const speech = await synthesize(bundle, text, { style: null, voice: blendVoices(tables, voice.voiceMix), speed: voice.speed, signal: context.signal });
    return { audio24k: speech.audio, timingsMs: speech.timingsMs };
  },
}));
