// The page's and each worker's own memory during a first visit, over the DevTools protocol: each new target is attached
// as soon as it appears (so its wasm memories are seen from their first growth) and sampled without a forced GC; a
// target busy in a long wasm call (a session being created, a warm-up) is skipped until it answers.
import type { CDPSession } from '@playwright/test';
import { SampleLoop } from './sampleLoop';
import { isPageOrModelWorker, TargetMemory, type MemorySample, type TargetInfo } from './targetMemory';

const SAMPLE_MS = 1000;

export interface TargetFigures {
  label: string;
  /** Largest value of each figure over the samples (not necessarily at the same time). */
  peak: MemorySample;
  /** After a full GC, once every model was ready; null if the target did not answer. */
  live: MemorySample | null;
}

const maxSample = (a: MemorySample, b: MemorySample): MemorySample => ({
  jsHeapBytes: Math.max(a.jsHeapBytes, b.jsHeapBytes),
  arrayBufferBytes: Math.max(a.arrayBufferBytes, b.arrayBufferBytes),
  wasmMemoryBytes: Math.max(a.wasmMemoryBytes, b.wasmMemoryBytes),
});

interface Watched {
  target: TargetMemory;
  peak: MemorySample;
  busy: boolean;
}

export class WorkerMemoryWatch {
  private readonly watched = new Map<string, Watched | null>();
  private readonly loop: SampleLoop;

  constructor(private readonly browserSession: CDPSession) {
    this.loop = new SampleLoop(() => this.round(), SAMPLE_MS);
  }

  private async round(): Promise<void> {
    await this.attachNew().catch(() => undefined);
    for (const watched of this.watched.values()) if (watched && !watched.busy) void this.sampleOne(watched);
  }

  private async attachNew(): Promise<void> {
    const { targetInfos } = (await this.browserSession.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    for (const info of targetInfos.filter(isPageOrModelWorker)) {
      if (this.watched.has(info.targetId)) continue;
      this.watched.set(info.targetId, null);
      const target = await TargetMemory.attach(this.browserSession, info);
      const watched: Watched = { target, peak: { jsHeapBytes: 0, arrayBufferBytes: 0, wasmMemoryBytes: 0 }, busy: false };
      this.watched.set(info.targetId, watched);
      // The first sample installs the wasm-growth hook: before the worker's runtime starts, if this is quick enough.
      await this.sampleOne(watched);
    }
  }

  private async sampleOne(watched: Watched): Promise<void> {
    watched.busy = true;
    try {
      watched.peak = maxSample(watched.peak, await watched.target.sample({ collectGarbage: false }));
    } catch {
      // Busy past the protocol timeout, or gone: the next round tries again.
    } finally {
      watched.busy = false;
    }
  }

  /** Stops sampling; each target's peaks and, after a forced GC, what stays live. */
  async stop(): Promise<TargetFigures[]> {
    await this.loop.stop();
    // A worker's title (its name) may still be empty when it is first seen.
    const { targetInfos } = (await this.browserSession.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    const titles = new Map(targetInfos.map((info) => [info.targetId, info.title]));
    const figures: TargetFigures[] = [];
    for (const [targetId, watched] of this.watched) {
      if (!watched) continue;
      const live = await watched.target.sample().catch(() => null);
      const label = watched.target.label || titles.get(targetId) || 'a worker without a name';
      figures.push({ label, peak: live ? maxSample(watched.peak, live) : watched.peak, live });
    }
    return figures;
  }
}
