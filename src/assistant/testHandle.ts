import type { ModelRole } from '../state/modelsSlice';
import type { AppState } from '../state/store';
import type { WorkerClient } from '../workers/client';
import type { GpuDeviceTestApi } from '../workers/modelApi';
import type { Assistant } from './createAssistant';
import type { EchoLoopbackSetting, ListenTimings } from './listening';
import type { TurnMarks } from './turnMarks';
import type { OutputSummary } from './voiceOutput';

export interface TestHandle {
  getState(): AppState;
  startOutputCapture(): Promise<void>;
  stopOutputCapture(): Promise<OutputSummary>;
  /** When each step of the latest turns happened (performance.now()): bench:turn splits the turn's time by them. */
  turnMarks(): TurnMarks[];
  /** How fast the latest Talk press started listening, and when the voice detector became ready. */
  listenTimings(): ListenTimings;
  /** Only under automation (navigator.webdriver): destroys a model worker's GPU device; false when it has none. */
  loseGpuDevice?(role: ModelRole): Promise<boolean>;
  /** Only under automation: from the next Talk on, the voice is mixed into the microphone path `delayMs` later at `gainDb` (speakers, simulated); null stops. */
  feedVoiceIntoMicrophone?(loopback: EchoLoopbackSetting | null): void;
}

/** A view of the store and of the voice output, for end-to-end tests and researchers at the console; hooks that break things only under automation. */
export function testHandle(assistant: Assistant, automation: boolean): TestHandle {
  const { store, voice, marks, listening, models } = assistant;
  const handle: TestHandle = {
    getState: () => store.getState(),
    startOutputCapture: () => voice.startOutputCapture(),
    stopOutputCapture: () => voice.stopOutputCapture(),
    turnMarks: () => marks.all(),
    listenTimings: () => listening.listenTimings(),
  };
  if (!automation) return handle;
  return {
    ...handle,
    loseGpuDevice: (role) => (models.client(role) as unknown as WorkerClient<GpuDeviceTestApi>).call('destroyGpuDevice', null),
    feedVoiceIntoMicrophone: (loopback) => listening.feedVoiceIntoMicrophone(loopback),
  };
}

declare global {
  interface Window {
    /** The test handle (main.tsx installs it): for end-to-end tests and researchers at the console. */
    __es4r?: TestHandle;
  }
}
