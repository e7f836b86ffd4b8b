import { expect } from '@playwright/test';

/**
 * A reply is whole, or, when a barge-in cut it (on a slow machine the fixture's next turn may begin while it is
 * still spoken), the non-empty part of it that was written before the cut.
 */
export function expectWholeOrCutReply(text: string, interrupted: boolean, whole: string): void {
  if (!interrupted) {
    expect(text).toBe(whole);
    return;
  }
  expect(text.length).toBeGreaterThan(0);
  expect(whole.startsWith(text)).toBe(true);
}
