// Where the page's CPU goes while it answers: a sampling CPU profile of the page and of every worker, onnxruntime's
// pthreads included, reduced to busy time per target and the functions that took it.
import type { CDPSession } from '@playwright/test';
import { TargetMemory, type TargetInfo } from '../targetMemory';

export interface TargetBusy {
  label: string;
  /** Sampled time outside the idle and waiting states. */
  busyMs: number;
  /** The functions with the most self time, busiest first. */
  top: { name: string; selfMs: number }[];
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** What a thread does when it has nothing to do: the event loop's idle, a pthread parked in Atomics.wait. */
const WAITING = new Set(['(idle)', 'wait', 'Atomics.wait', '(garbage collector)']);
const PAGE_OR_WORKER = (target: TargetInfo) => (target.type === 'page' && target.url.startsWith('http')) || target.type === 'worker';
const SAMPLING_INTERVAL_US = 1000;

/** Busy time and top functions of one profile. */
export function busyOf(label: string, profile: Profile, topCount = 3): TargetBusy {
  const nameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName || `(anonymous ${node.callFrame.url.split('/').at(-1) ?? ''})`]));
  const selfUs = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = nameOf.get(id) ?? '(unknown)';
    selfUs.set(name, (selfUs.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const busy = [...selfUs].filter(([name]) => !WAITING.has(name)).sort((a, b) => b[1] - a[1]);
  return { label, busyMs: busy.reduce((sum, [, us]) => sum + us, 0) / 1000, top: busy.slice(0, topCount).map(([name, us]) => ({ name, selfMs: us / 1000 })) };
}

export class TargetCpu {
  private constructor(private readonly targets: TargetMemory[]) {}

  /** Starts profiling the page and every worker that exists now. */
  static async start(browserSession: CDPSession): Promise<TargetCpu> {
    const targets = await TargetMemory.attachAll(browserSession, PAGE_OR_WORKER);
    for (const target of targets) {
      await target.send('Profiler.enable');
      await target.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      await target.send('Profiler.start');
    }
    return new TargetCpu(targets);
  }

  /** Stops every profile; busiest target first (pthreads numbered in the order the browser lists them). */
  async stop(): Promise<TargetBusy[]> {
    const busy: TargetBusy[] = [];
    let pthread = 0;
    for (const target of this.targets) {
      const label = target.label === 'em-pthread' ? `em-pthread ${++pthread}` : target.label;
      const { profile } = (await target.send('Profiler.stop')) as { profile: Profile };
      busy.push(busyOf(label, profile));
    }
    return busy.sort((a, b) => b.busyMs - a.busyMs);
  }
}
