import type { Exclusive } from '../loadModel';

/** A self-check holds a second copy of its model only inside this lock. */
export const SELF_CHECK_LOCK = 'es4r-self-check';
/** A model loads only inside this lock, so one model's transient copies (its fetched bytes, the runtime's parse of them) never overlap another's. */
export const MODEL_LOAD_LOCK = 'es4r-model-load';

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Runs the work one at a time across the page's workers under the Web Lock `name`, or at once where there are no locks (Node). */
export function pageExclusive(name: string, locks: LockManagerLike | undefined = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks): Exclusive {
  if (!locks) return (work) => work();
  return (work) => locks.request(name, work);
}
