// What ran in a study session, so that a published figure can name it: the app build, the pack and every model with
// its weights' source, dtype, device and self-check verdict, every setting that shapes a reply, and the browser.
import type { AppVersion } from '../../appVersion';
import type { EchoCancellationMode } from '../../audio/capture';
import type { ComponentLoad, ModelRole, SpeechPathState } from '../../state/modelsSlice';
import type { Settings } from '../../state/settingsSlice';

export interface ModelProvenance {
  role: ModelRole;
  modelId: string;
  /** Repository and revision, npm package, or the generator of random weights. */
  source: string | null;
  status: ComponentLoad['status'];
  dtype: NonNullable<ComponentLoad['dtype']> | null;
  device: string | null;
  /** Why this device: the WebGPU self-check's verdict, a setting, or the lack of an adapter. */
  deviceReason: string | null;
}

export interface SessionProvenance {
  app: AppVersion;
  pack: string | null;
  models: ModelProvenance[];
  speechPath: { status: SpeechPathState['status']; source: string | null; detail: string | null };
  /** Every setting that shapes a reply or the audio it hears (tau, cues, budgets, answer path, ablations, voice, input processing). */
  settings: Omit<Settings, 'benchmarkReplyTokens'>;
  /** Echo cancellation asked of the browser, and the mode it applied (null: the microphone was not open yet). */
  echoCancellation: { requested: boolean; granted: EchoCancellationMode | null };
  userAgent: string;
}

export interface ProvenanceInputs {
  app: AppVersion;
  pack: string | null;
  components: Partial<Record<ModelRole, ComponentLoad>>;
  speechPath: SpeechPathState;
  settings: Settings;
  echoCancellationGranted: EchoCancellationMode | null;
  userAgent: string;
}

const ROLE_ORDER: readonly ModelRole[] = ['asr', 'llm', 'speech_llm', 'tts'];

export function sessionProvenance({ app, pack, components, speechPath, settings, echoCancellationGranted, userAgent }: ProvenanceInputs): SessionProvenance {
  const models = ROLE_ORDER.flatMap((role) => {
    const component = components[role];
    if (!component) return [];
    return [
      {
        role,
        modelId: component.modelId,
        source: component.source ?? null,
        status: component.status,
        dtype: component.dtype ?? null,
        device: component.device ?? null,
        deviceReason: component.reason ?? null,
      },
    ];
  });
  const { benchmarkReplyTokens: _benchmarkOnly, ...replySettings } = settings;
  return {
    app,
    pack,
    models,
    speechPath: { status: speechPath.status, source: speechPath.source ?? null, detail: speechPath.detail },
    settings: replySettings,
    echoCancellation: { requested: settings.processing.echoCancellation, granted: echoCancellationGranted },
    userAgent,
  };
}
