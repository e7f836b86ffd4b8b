// JS memory of one page or worker, read over the Chrome DevTools Protocol after a full garbage collection.
import type { CDPSession } from '@playwright/test';

export interface MemorySample {
  /** Live JS objects after GC (V8 heap). */
  jsHeapBytes: number;
  /** ArrayBuffer backing stores outside the heap (audio, tensors handed to JS); not wasm memory. */
  arrayBufferBytes: number;
  /** Summed size of the target's wasm memories (onnxruntime's heaps) that grew since its first sample; 0 if none did. */
  wasmMemoryBytes: number;
}

/** A forced GC of a busy worker takes a while on a loaded machine, never this long. */
const CDP_TIMEOUT_MS = 30_000;

interface CdpReply {
  id: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export interface TargetInfo {
  targetId: string;
  type: string;
  title: string;
  url: string;
}

/** The app's page and its workers; Emscripten's pthread workers share their worker's wasm memory and sit in Atomics.wait. */
export const isPageOrModelWorker = (target: TargetInfo) => (target.type === 'page' && target.url.startsWith('http')) || (target.type === 'worker' && target.title !== 'em-pthread');

/**
 * One target (the page or a dedicated worker) reached through the browser's CDP session.
 * Playwright's CDPSession cannot address a worker directly, so messages go through
 * Target.sendMessageToTarget (a non-flat session).
 */
export class TargetMemory {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: CdpReply) => void>();

  private constructor(
    private readonly browserSession: CDPSession,
    private readonly sessionId: string,
    readonly label: string,
  ) {
    browserSession.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
      if (event.sessionId !== this.sessionId) return;
      const reply = JSON.parse(event.message) as CdpReply;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  /** The page and each of its workers (by default not the pthreads), labelled by worker name ('page' for the page). */
  static async attachAll(browserSession: CDPSession, which: (target: TargetInfo) => boolean = isPageOrModelWorker): Promise<TargetMemory[]> {
    const { targetInfos } = (await browserSession.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    return Promise.all(targetInfos.filter(which).map((target) => TargetMemory.attach(browserSession, target)));
  }

  static async attach(browserSession: CDPSession, target: TargetInfo): Promise<TargetMemory> {
    const { sessionId } = (await browserSession.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
    return new TargetMemory(browserSession, sessionId, target.type === 'page' ? 'page' : target.title);
  }

  /** One DevTools command to this target, answered or timed out. */
  async send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reply = new Promise<CdpReply>((resolve, reject) => {
      this.pending.set(id, resolve);
      timer = setTimeout(() => reject(new Error(`${this.label}: ${method} got no answer in ${CDP_TIMEOUT_MS / 1000} s`)), CDP_TIMEOUT_MS);
    });
    try {
      await this.browserSession.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) });
    } catch (error) {
      // The target ended (a self-check's reference worker does, by design): no answer will come, so nothing may time out later.
      clearTimeout(timer);
      this.pending.delete(id);
      throw error;
    }
    const { result, error } = await reply.finally(() => clearTimeout(timer));
    if (error) throw new Error(`${this.label}: ${method} failed: ${error.message}`);
    return result ?? {};
  }

  /** Without `collectGarbage`, JS heap figures include garbage not yet collected (cheaper, for sampling during loads). */
  async sample({ collectGarbage = true }: { collectGarbage?: boolean } = {}): Promise<MemorySample> {
    if (collectGarbage) await this.send('HeapProfiler.collectGarbage');
    const usage = (await this.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
    return { jsHeapBytes: usage.usedSize, arrayBufferBytes: usage.backingStorageSize ?? 0, wasmMemoryBytes: await this.wasmMemoryBytes() };
  }

  /**
   * Size of the target's wasm memories that grew since the first sample. Runtime.queryObjects would find them all but
   * crashes headless Chromium's renderer here; emscripten grows its heap from JS (Memory.prototype.grow), so a wrapper
   * installed on the first sample sees every memory that grows after it (growth by the target's pthreads shows only in
   * the process total).
   */
  private async wasmMemoryBytes(): Promise<number> {
    const expression = `(() => {
      if (!globalThis.__soakWasmMemories) {
        const memories = new Set();
        const grow = WebAssembly.Memory.prototype.grow;
        WebAssembly.Memory.prototype.grow = function (pages) { memories.add(this); return grow.call(this, pages); };
        globalThis.__soakWasmMemories = memories;
      }
      let bytes = 0;
      for (const memory of globalThis.__soakWasmMemories) bytes += memory.buffer.byteLength;
      return bytes;
    })()`;
    const reply = (await this.send('Runtime.evaluate', { expression, returnByValue: true })) as { result: { value: number } };
    return reply.result.value;
  }
}
