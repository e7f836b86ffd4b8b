/**
 * Holds a reply's decoding between steps while something more urgent runs on the same cores: the speech synthesis of
 * the reply's first chunk, which is all that stands between the user and the first audio. Holds nest; decoding goes on
 * when the last one is released.
 */
export class DecodeGate {
  private holds = 0;
  private waiters: (() => void)[] = [];

  hold(): void {
    this.holds++;
  }

  release(): void {
    if (this.holds === 0) return;
    this.holds--;
    if (this.holds > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resume of waiters) resume();
  }

  get held(): boolean {
    return this.holds > 0;
  }

  /** Resolves at once when nothing holds the gate, else once the last hold is released. */
  passed(): Promise<void> {
    if (this.holds === 0) return Promise.resolve();
    return new Promise((resume) => this.waiters.push(resume));
  }

  /**
   * Before a decoding step: first a new task of the event loop, so that a hold or a cancel that arrived as a message
   * during the last step is handled (onnxruntime-web's wasm runs a step without yielding to the event loop, so a loop of
   * steps would read no message until the reply is done), then the gate.
   */
  async beforeStep(): Promise<void> {
    await nextTask();
    await this.passed();
  }
}

/** Resolves in a new task of the event loop (a MessageChannel message: no timer clamping, in a worker or in Node). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
