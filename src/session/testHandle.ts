import { startOutputCapture, stopOutputCapture, type OutputSummary } from './speechSession';
import { modelClient } from './modelSession';
import { feedVoiceIntoMicrophone, listenTimings, type ListenTimings } from './listenSession';
import { useStore, type AppState } from '../state/store';
import { turnMarks, type TurnMarks } from './turnMarks';
import type { ModelRole } from '../state/modelsSlice';
import type { WorkerClient } from '../workers/client';
import type { GpuDeviceTestApi } from '../workers/modelApi';

interface TestHandle {
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
  feedVoiceIntoMicrophone?(loopback: { delayMs: number; gainDb: number } | null): void;
}

declare global {
  interface Window {
    /** A view of the store and of the voice output, for end-to-end tests and researchers at the console. */
    __es4r?: TestHandle;
  }
}

function loseGpuDevice(role: ModelRole): Promise<boolean> {
  return (modelClient(role) as unknown as WorkerClient<GpuDeviceTestApi>).call('destroyGpuDevice', null);
}

export function exposeTestHandle(): void {
  window.__es4r = { getState: () => useStore.getState(), startOutputCapture, stopOutputCapture, turnMarks, listenTimings, ...(navigator.webdriver ? { loseGpuDevice, feedVoiceIntoMicrophone } : {}) };
}
