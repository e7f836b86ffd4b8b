// The scale-shallow set as a model pack the page can load: its Whisper and LLM with scale-lite's dtypes, and the tiny
// pack's VAD and TTS (Kokoro has no shallow variant). It is not in the committed manifest: `make:scale-shallow`
// writes it beside the models and the Chromium spec adds it to the manifest the page reads.
import type { Manifest, Pack } from '../../src/models/manifest';
import { describeWrittenFile } from '../models/verify';
import type { WrittenShallowModel } from './scaleShallow';
import { SCALE_SHALLOW } from './scaleShallow';

export const SHALLOW_PACK_NAME = 'scale-shallow';
/** Where make:scale-shallow writes the pack, relative to public/models/ (inside the ignored scale/ folder). */
export const SHALLOW_PACK_FILE = 'scale/scale-shallow.pack.json';

export async function shallowPack(manifest: Manifest, modelsDir: string, written: readonly WrittenShallowModel[]): Promise<Pack> {
  const tiny = manifest.packs.tiny?.components;
  if (!tiny) throw new Error('the manifest has no tiny pack, whose VAD and TTS the scale-shallow pack borrows');
  const component = async (role: 'asr' | 'llm') => {
    const { model, dtypes } = SCALE_SHALLOW.find((entry) => entry.role === role)!;
    const { files, graphs } = written.find((entry) => entry.role === role)!;
    const dtypeOf = new Map(graphs.map((graph) => [graph.file, graph.dtype]));
    return {
      modelId: model.modelId,
      source: { kind: 'generated' as const, script: 'make:scale-shallow' },
      licence: { spdx: 'NOASSERTION' },
      dtype: dtypes,
      files: await Promise.all([...files].sort().map((file) => describeWrittenFile(modelsDir, `${model.modelId}/${file}`, dtypeOf.get(file)))),
    };
  };
  return {
    description: "scale-lite's Whisper-tiny and SmolLM2-360M at their real widths and dtypes, one layer deep, with the tiny pack's VAD and TTS: self-check decisions on real shapes in a test's time; built by `npm run make:scale-shallow`.",
    components: { vad: tiny.vad, asr: await component('asr'), llm: await component('llm'), tts: tiny.tts },
  };
}
