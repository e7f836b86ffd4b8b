import { createStore } from 'zustand/vanilla';
import { EMPTY_TALLY, tallyRequest, type ForeignRequestSource, type ForeignRequestTally } from './foreignRequests';

/** What the page itself saw of requests to other origins; the on-device indicator shows it. */
export const foreignRequestStore = createStore<ForeignRequestTally>(() => EMPTY_TALLY);

function record(url: string, source: ForeignRequestSource): void {
  foreignRequestStore.setState((tally) => tallyRequest(tally, url, source, location.origin), true);
}

/**
 * Sees the page's own resource timeline (buffered from navigation on) and the requests its policy blocked in the page;
 * workers and worklets keep their own timelines and violation events, and a service worker could only report requests
 * the policy already let through, so those are proven by the end-to-end privacy test instead.
 */
export function watchForeignRequests(): void {
  document.addEventListener('securitypolicyviolation', (event) => record(event.blockedURI, 'blocked'));
  if (typeof PerformanceObserver === 'undefined') return;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record(entry.name, 'completed');
  }).observe({ type: 'resource', buffered: true });
}
