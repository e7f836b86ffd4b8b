import { describe, expect, it } from 'vitest';
import { SampleLoop } from './sampleLoop';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SampleLoop', () => {
  it('runs rounds until stopped, and none after', async () => {
    let rounds = 0;
    let secondRound: () => void = () => undefined;
    const reachedSecond = new Promise<void>((resolve) => (secondRound = resolve));
    const loop = new SampleLoop(async () => {
      if (++rounds === 2) secondRound();
    }, 5);
    await reachedSecond;
    await loop.stop();
    const atStop = rounds;
    await sleep(30);
    expect(rounds).toBe(atStop);
  });

  it('ends on a failed round and reports it from stop(), not as an unhandled rejection', async () => {
    // The first visit's sampler failed this way when the browser closed under it after a timeout.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let rounds = 0;
      let failing: () => void = () => undefined;
      const failed = new Promise<void>((resolve) => (failing = resolve));
      const loop = new SampleLoop(async () => {
        if (++rounds < 2) return;
        failing();
        throw new Error('the session has closed');
      }, 5);
      await failed;
      // Node reports an unhandled rejection once the microtasks after it have run: well within this wait.
      await sleep(30);
      expect(unhandled).toEqual([]);
      expect(rounds).toBe(2);
      await expect(loop.stop()).rejects.toThrow('the session has closed');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
