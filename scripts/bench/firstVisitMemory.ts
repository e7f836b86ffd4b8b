// Peak memory of Chromium's processes during a first visit, from /proc every 200 ms: the peak of the renderers' and
// GPU process's summed proportional set size (Pss: shared pages such as Chromium's own code counted once, not in every
// process), and each process's own resident high-water mark (VmHWM).
import { readFileSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';
import { SampleLoop } from './sampleLoop';
import { addBreakdowns, breakdownTotal, EMPTY_BREAKDOWN, processBreakdown, type PssBreakdown } from './smapsBreakdown';

const SAMPLE_MS = 200;
/** Every this many samples, the renderers' and GPU process's Pss is also split by kind (smaps is slower to read). */
const BREAKDOWN_EVERY = 5;

const kbField = (text: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) * 1024;

/** Pss (smaps_rollup) and VmHWM (status) of a process, in bytes; null once it has gone. */
function processBytes(pid: number): { pssBytes: number; hwmBytes: number } | null {
  try {
    return { pssBytes: kbField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss'), hwmBytes: kbField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM') };
  } catch {
    return null;
  }
}

export interface VisitMemory {
  /** Largest sampled sum of Pss over the renderers (page, workers, wasm heaps) and the GPU process (SwiftShader's buffers). */
  peakPageBytes: number;
  /** The same, split at the sample where the sum peaked. */
  atPeak: { rendererBytes: number; gpuBytes: number };
  /** Sum over those processes of their own VmHWM: an upper bound (shared pages counted in each, peaks at different times). */
  summedHighWaterBytes: number;
  /** Largest sampled sum over every Chromium process (browser, network and storage utilities too). */
  peakAllBytes: number;
  /** The split of the split samples' largest page+workers+GPU sum (within a second of the peak). */
  breakdownAtPeak: { renderer: PssBreakdown; gpu: PssBreakdown };
}

type ProcessList = { type: string; id: number }[];

const breakdownOf = (processInfo: ProcessList, type: string): PssBreakdown =>
  processInfo.filter((p) => p.type === type).reduce((sum, { id }) => addBreakdowns(sum, processBreakdown(id) ?? EMPTY_BREAKDOWN), EMPTY_BREAKDOWN);

/** The Pss of Chromium's processes of one type at this moment, split by kind: the renderers (page, workers, wasm heaps) or the GPU process. */
export async function processesNow(browserSession: CDPSession, type: 'renderer' | 'GPU'): Promise<PssBreakdown> {
  const { processInfo } = (await browserSession.send('SystemInfo.getProcessInfo')) as { processInfo: ProcessList };
  return breakdownOf(processInfo, type);
}

export class ChromiumMemorySampler {
  private readonly highWater = new Map<number, { type: string; bytes: number }>();
  private peak: VisitMemory = { peakPageBytes: 0, atPeak: { rendererBytes: 0, gpuBytes: 0 }, summedHighWaterBytes: 0, peakAllBytes: 0, breakdownAtPeak: { renderer: EMPTY_BREAKDOWN, gpu: EMPTY_BREAKDOWN } };
  private samples = 0;
  private readonly loop: SampleLoop;

  constructor(private readonly browserSession: CDPSession) {
    this.loop = new SampleLoop(() => this.sample(), SAMPLE_MS);
  }

  private async sample(): Promise<void> {
    const { processInfo } = (await this.browserSession.send('SystemInfo.getProcessInfo')) as { processInfo: ProcessList };
    let rendererBytes = 0;
    let gpuBytes = 0;
    let allBytes = 0;
    for (const { type, id } of processInfo) {
      const bytes = processBytes(id);
      if (!bytes) continue;
      allBytes += bytes.pssBytes;
      if (type === 'renderer') rendererBytes += bytes.pssBytes;
      if (type === 'GPU') gpuBytes += bytes.pssBytes;
      this.highWater.set(id, { type, bytes: Math.max(this.highWater.get(id)?.bytes ?? 0, bytes.hwmBytes) });
    }
    if (rendererBytes + gpuBytes > this.peak.peakPageBytes) this.peak = { ...this.peak, peakPageBytes: rendererBytes + gpuBytes, atPeak: { rendererBytes, gpuBytes } };
    this.peak.peakAllBytes = Math.max(this.peak.peakAllBytes, allBytes);
    if (this.samples++ % BREAKDOWN_EVERY === 0) this.sampleBreakdown(processInfo);
  }

  private sampleBreakdown(processInfo: ProcessList): void {
    const renderer = breakdownOf(processInfo, 'renderer');
    const gpu = breakdownOf(processInfo, 'GPU');
    const { breakdownAtPeak } = this.peak;
    if (breakdownTotal(renderer) + breakdownTotal(gpu) > breakdownTotal(breakdownAtPeak.renderer) + breakdownTotal(breakdownAtPeak.gpu)) this.peak.breakdownAtPeak = { renderer, gpu };
  }

  /** The largest page+workers+GPU sum sampled so far. */
  peakPageBytesSoFar(): number {
    return this.peak.peakPageBytes;
  }

  /** Stops sampling after one last sample; the peaks. */
  async stop(): Promise<VisitMemory> {
    await this.loop.stop();
    await this.sample();
    const pageProcesses = [...this.highWater.values()].filter(({ type }) => type === 'renderer' || type === 'GPU');
    return { ...this.peak, summedHighWaterBytes: pageProcesses.reduce((sum, { bytes }) => sum + bytes, 0) };
  }
}
