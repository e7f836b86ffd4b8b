import { startOutputCapture, stopOutputCapture, type OutputSummary } from './speechSession';
import { useStore, type AppState } from '../state/store';

declare global {
  interface Window {
    /** A view of the store and of the voice output, for end-to-end tests and researchers at the console. */
    __es4r?: { getState(): AppState; startOutputCapture(): Promise<void>; stopOutputCapture(): Promise<OutputSummary> };
  }
}

export function exposeTestHandle(): void {
  window.__es4r = { getState: () => useStore.getState(), startOutputCapture, stopOutputCapture };
}
