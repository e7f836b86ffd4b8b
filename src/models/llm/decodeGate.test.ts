import { describe, expect, it } from 'vitest';
import { DecodeGate } from './decodeGate';

/** Whether `promise` has settled after pending microtasks ran. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
}

describe('DecodeGate', () => {
  it('lets a step through at once when nothing holds it', async () => {
    expect(await settled(new DecodeGate().passed())).toBe(true);
  });

  it('keeps a step waiting while held, and lets it go on release', async () => {
    const gate = new DecodeGate();
    gate.hold();
    const step = gate.passed();
    expect(await settled(step)).toBe(false);
    gate.release();
    expect(await settled(step)).toBe(true);
    expect(gate.held).toBe(false);
  });

  it('nested holds: the step waits for the last release', async () => {
    const gate = new DecodeGate();
    gate.hold();
    gate.hold();
    const step = gate.passed();
    gate.release();
    expect(await settled(step)).toBe(false);
    gate.release();
    expect(await settled(step)).toBe(true);
  });

  it('a release without a hold does not leave the gate owing one', async () => {
    const gate = new DecodeGate();
    gate.release();
    gate.hold();
    const step = gate.passed();
    gate.release();
    expect(await settled(step)).toBe(true);
  });
});
