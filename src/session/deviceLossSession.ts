import { deviceLossNotice } from '../models/device/deviceLossNotice';
import { conversationNoticeChanged } from '../state/actions';
import type { ModelRole } from '../state/modelsSlice';
import { useStore } from '../state/store';
import type { WorkerEvent } from '../workers/protocol';
import { restartModelWorker } from './modelSession';

/** One GPU reset: every worker on the GPU loses its device at about the same time, and the user gets one notice. */
interface Episode {
  roles: Set<ModelRole>;
  reloads: Promise<void>[];
}
let episode: Episode | null = null;

/** A model worker's unasked event, as modelSession receives it. */
export function workerEventHeard(role: ModelRole, event: WorkerEvent): void {
  switch (event.kind) {
    case 'deviceLost':
      gpuDeviceLost(role);
      return;
  }
}

/** The worker's device is gone for good: replace the worker, load its model again (WebGPU if an adapter is there, else wasm). */
function gpuDeviceLost(role: ModelRole): void {
  episode ??= { roles: new Set(), reloads: [] };
  if (episode.roles.has(role)) return;
  episode.roles.add(role);
  episode.reloads.push(restartModelWorker(role));
  conversationNoticeChanged('The graphics device was reset; reloading the models…');
  void noticeWhenReloaded(episode);
}

async function noticeWhenReloaded(current: Episode): Promise<void> {
  // Losses reported while waiting join this episode; its notice waits for their reloads too.
  let waitedFor = 0;
  while (waitedFor < current.reloads.length) {
    waitedFor = current.reloads.length;
    await Promise.allSettled(current.reloads);
  }
  if (episode !== current) return;
  episode = null;
  const { components } = useStore.getState();
  const reloaded = [...current.roles].map((role) => {
    const component = components[role];
    return { role, device: component?.status === 'ready' ? (component.device ?? null) : null };
  });
  conversationNoticeChanged(deviceLossNotice(reloaded));
}
