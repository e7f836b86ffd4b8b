// Peak resident memory of Chromium's processes during a first visit, from /proc every 200 ms: the peak of the
// renderers' and GPU process's summed VmRSS, and each process's own high-water mark (VmHWM).
import { readFileSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';

const SAMPLE_MS = 200;

/** VmRSS and VmHWM of a process from /proc/<pid>/status, in bytes; null once it has gone. */
function statusBytes(pid: number): { rssBytes: number; hwmBytes: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    return { rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}

export interface VisitMemory {
  /** Largest sampled sum of VmRSS over the renderers (page, workers, wasm heaps) and the GPU process (SwiftShader's buffers). */
  peakPageBytes: number;
  /** The same, split at the sample where the sum peaked. */
  atPeak: { rendererBytes: number; gpuBytes: number };
  /** Sum over those processes of their own VmHWM: an upper bound on the peak between samples. */
  summedHighWaterBytes: number;
  /** Largest sampled sum over every Chromium process (browser, network and storage utilities too). */
  peakAllBytes: number;
}

export class ChromiumMemorySampler {
  private readonly highWater = new Map<number, { type: string; bytes: number }>();
  private peak: VisitMemory = { peakPageBytes: 0, atPeak: { rendererBytes: 0, gpuBytes: 0 }, summedHighWaterBytes: 0, peakAllBytes: 0 };
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly browserSession: CDPSession) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.sample();
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  }

  private async sample(): Promise<void> {
    const { processInfo } = (await this.browserSession.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    let rendererBytes = 0;
    let gpuBytes = 0;
    let allBytes = 0;
    for (const { type, id } of processInfo) {
      const bytes = statusBytes(id);
      if (!bytes) continue;
      allBytes += bytes.rssBytes;
      if (type === 'renderer') rendererBytes += bytes.rssBytes;
      if (type === 'GPU') gpuBytes += bytes.rssBytes;
      this.highWater.set(id, { type, bytes: Math.max(this.highWater.get(id)?.bytes ?? 0, bytes.hwmBytes) });
    }
    if (rendererBytes + gpuBytes > this.peak.peakPageBytes) this.peak = { ...this.peak, peakPageBytes: rendererBytes + gpuBytes, atPeak: { rendererBytes, gpuBytes } };
    this.peak.peakAllBytes = Math.max(this.peak.peakAllBytes, allBytes);
  }

  /** Stops sampling after one last sample; the peaks. */
  async stop(): Promise<VisitMemory> {
    this.running = false;
    await this.loop;
    await this.sample();
    const pageProcesses = [...this.highWater.values()].filter(({ type }) => type === 'renderer' || type === 'GPU');
    return { ...this.peak, summedHighWaterBytes: pageProcesses.reduce((sum, { bytes }) => sum + bytes, 0) };
  }
}
