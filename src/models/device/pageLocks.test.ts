import { describe, expect, it } from 'vitest';
import { MODEL_LOAD_LOCK, pageExclusive } from './pageLocks';

describe('pageExclusive', () => {
  it('runs the work inside the named Web Lock and hands back its result', async () => {
    const held: string[] = [];
    const locks = { request: async <T>(name: string, work: () => Promise<T>) => { held.push(name); return work(); } };
    await expect(pageExclusive(MODEL_LOAD_LOCK, locks)(async () => 42)).resolves.toBe(42);
    expect(held).toEqual(['es4r-model-load']);
  });

  it('runs the work at once where there are no locks', async () => {
    await expect(pageExclusive(MODEL_LOAD_LOCK, undefined)(async () => 'ran')).resolves.toBe('ran');
  });
});
