import type { Exclusive } from '../loadModel';

/** One Web Lock for every model worker of the page: a self-check holds a second copy of its model only inside it. */
export const SELF_CHECK_LOCK = 'es4r-self-check';

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Runs self-checks one at a time across workers (Web Locks), or at once where there are no locks (Node). */
export function selfCheckExclusive(locks: LockManagerLike | undefined = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks): Exclusive {
  if (!locks) return (check) => check();
  return (check) => locks.request(SELF_CHECK_LOCK, check);
}
