import { createStore } from 'zustand/vanilla';
import { errorMessage } from '../errorMessage';

/** Whether the built app itself (not the model pack: see packOffline) is kept for offline use. */
export type AppShellStatus =
  | { status: 'unsupported' | 'development' | 'saving' | 'ready' }
  | { status: 'failed'; error: string };

export const appShellStore = createStore<AppShellStatus>(() => ({ status: 'development' }));

/** The production build registers /sw.js (built from ./serviceWorker.ts); the dev server serves sources that change under it. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD) return;
  if (!('serviceWorker' in navigator)) {
    appShellStore.setState({ status: 'unsupported' }, true);
    return;
  }
  appShellStore.setState({ status: 'saving' }, true);
  navigator.serviceWorker
    .register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
    .then((registration) => {
      const installing = registration.installing;
      // An install that fails (a build file missing, storage full) never makes `ready` resolve: say so instead of waiting.
      installing?.addEventListener('statechange', () => {
        if (installing.state === 'redundant' && !registration.active) {
          appShellStore.setState({ status: 'failed', error: 'the app files could not be cached (storage full, or a file of the build missing)' }, true);
        }
      });
      return navigator.serviceWorker.ready;
    })
    .then(() => appShellStore.setState({ status: 'ready' }, true))
    .catch((error: unknown) => appShellStore.setState({ status: 'failed', error: errorMessage(error) }, true));
}
