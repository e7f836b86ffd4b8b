import { useStore } from 'zustand';
import { foreignRequestStore } from '../privacy/watchForeignRequests';
import { appShellStore, type AppShellStatus } from '../offline/registerServiceWorker';

const SHELL_NOTE: Record<AppShellStatus['status'], string> = { unsupported: '', development: '', saving: ' · saving the app for offline use', ready: ' · app kept for offline use', failed: ' · the app could not be kept for offline use' };

/** The count of requests to other origins the page has seen (0 is the promise), and whether the app itself works offline. */
export function OnDeviceIndicator() {
  const { count, recent } = useStore(foreignRequestStore);
  const shell = useStore(appShellStore);
  const latest = recent.at(-1);
  return (
    <p className="note" data-testid="on-device" data-foreign-requests={count} data-shell={shell.status} role="status">
      On device · {count} {count === 1 ? 'request' : 'requests'} to other servers
      {latest ? ` (latest ${latest.source}: ${latest.url})` : ''}
      {SHELL_NOTE[shell.status]}
      {shell.status === 'failed' ? ` (${shell.error})` : ''}
    </p>
  );
}
