/** Runs `step` every `everyMs` (after each round ends) until stopped: a sampler's heartbeat. */
export class SampleLoop {
  private running = true;
  private readonly loop: Promise<void>;

  constructor(step: () => Promise<void>, everyMs: number) {
    this.loop = (async () => {
      while (this.running) {
        await step();
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
    // A failed round ends the loop and stop() reports it; until then it must not crash the process as unhandled.
    this.loop.catch(() => undefined);
  }

  /** Resolves once the round in progress has ended, no round starts after it; rejects with a failed round's error. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
