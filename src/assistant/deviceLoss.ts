import { deviceLossNotice } from '../models/device/deviceLossNotice';
import type { Actions } from '../state/actions';
import type { ModelRole } from '../state/modelsSlice';
import type { AppStore } from '../state/store';
import type { WorkerEvent } from '../workers/protocol';

/** One GPU reset: every worker on the GPU loses its device at about the same time, and the user gets one notice. */
interface Episode {
  roles: Set<ModelRole>;
  reloads: Promise<void>[];
}

/**
 * Handles the model workers' unasked events: a device lost for good replaces the worker and loads its model again
 * (WebGPU if an adapter is there, else wasm) through `restart`, which the model host passes in.
 */
export function deviceLossHandler(
  restart: (role: ModelRole) => Promise<void>,
  store: AppStore,
  actions: Pick<Actions, 'conversationNoticeChanged'>,
): (role: ModelRole, event: WorkerEvent) => void {
  let episode: Episode | null = null;

  const noticeWhenReloaded = async (current: Episode): Promise<void> => {
    // Losses reported while waiting join this episode; its notice waits for their reloads too.
    let waitedFor = 0;
    while (waitedFor < current.reloads.length) {
      waitedFor = current.reloads.length;
      await Promise.allSettled(current.reloads);
    }
    if (episode !== current) return;
    episode = null;
    const { components } = store.getState();
    const reloaded = [...current.roles].map((role) => {
      const component = components[role];
      return { role, device: component?.status === 'ready' ? (component.device ?? null) : null };
    });
    actions.conversationNoticeChanged(deviceLossNotice(reloaded));
  };

  const gpuDeviceLost = (role: ModelRole): void => {
    episode ??= { roles: new Set(), reloads: [] };
    if (episode.roles.has(role)) return;
    episode.roles.add(role);
    episode.reloads.push(restart(role));
    actions.conversationNoticeChanged('The graphics device was reset; reloading the models…');
    void noticeWhenReloaded(episode);
  };

  return (role, event) => {
    switch (event.kind) {
      case 'deviceLost':
        gpuDeviceLost(role);
        return;
    }
  };
}
