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

  it('a hold that arrives as a message while steps never yield to the event loop stops decoding within a step', async () => {
    const gate = new DecodeGate();
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      gate.hold();
    };
    const steps: number[] = [];
    // As a wasm step: synchronous work, the message posted from elsewhere meanwhile; a loop of these yields only microtasks.
    const decode = (async () => {
      for (let step = 0; step < 5; step++) {
        await gate.beforeStep();
        steps.push(step);
        if (step === 0) port2.postMessage(null);
      }
    })();
    for (let waitedMs = 0; !gate.held && waitedMs < 2000; waitedMs += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gate.held).toBe(true);
    expect(steps.length).toBeLessThanOrEqual(2);
    gate.release();
    await decode;
    expect(steps).toEqual([0, 1, 2, 3, 4]);
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
