/** Peak resident and JS heap memory of this process, sampled every `everyMs` while running (native ORT heaps show in RSS). */
export class MemorySampler {
  private peakRssBytes = 0;
  private peakHeapBytes = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(everyMs = 100) {
    this.sample();
    // Unreferenced: a bench that fails before stop() must still exit.
    this.timer = setInterval(() => this.sample(), everyMs).unref();
  }

  private sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    this.peakRssBytes = Math.max(this.peakRssBytes, rss);
    this.peakHeapBytes = Math.max(this.peakHeapBytes, heapUsed);
  }

  /** Stops sampling; the peaks in MB. */
  stop(): { rssMb: number; jsHeapMb: number } {
    clearInterval(this.timer);
    this.sample();
    return { rssMb: this.peakRssBytes / 2 ** 20, jsHeapMb: this.peakHeapBytes / 2 ** 20 };
  }
}
