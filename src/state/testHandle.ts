import { useStore, type AppState } from './store';

declare global {
  interface Window {
    /** Read-only view of the store for end-to-end tests and for researchers at the console. */
    __es4r?: { getState(): AppState };
  }
}

export function exposeTestHandle(): void {
  window.__es4r = { getState: () => useStore.getState() };
}
