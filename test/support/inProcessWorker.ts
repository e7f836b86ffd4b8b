// A worker that runs in this thread: the same `serve` routing and handlers a real worker runs, behind the same
// message interface, so the assistant under test cannot tell the difference (apart from speed).
import type { WorkerHandle } from '../../src/assistant/ports';
import { serve } from '../../src/workers/serve';
import { EVENT_ID, type Api, type Handlers, type Reply, type Request, type WorkerEvent } from '../../src/workers/protocol';

export class InProcessWorker<A extends Api> implements WorkerHandle {
  terminated = false;
  /** Every method called on it, in order: what the assistant asked of this worker. */
  readonly calls: string[] = [];
  private readonly messageListeners = new Set<(event: MessageEvent) => void>();
  private readonly errorListeners = new Set<(event: ErrorEvent) => void>();
  private readonly handle: (request: Request<A>) => void;

  constructor(handlers: Handlers<A>) {
    this.handle = serve<A>(handlers, (reply) => this.deliver(reply));
  }

  postMessage(message: unknown): void {
    if (this.terminated) return;
    const request = message as Request<A>;
    if (request.type === 'call') this.calls.push(request.method);
    // As across threads: the caller's code after postMessage runs first.
    queueMicrotask(() => this.handle(request));
  }

  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  addEventListener(type: 'message' | 'error', listener: ((event: MessageEvent) => void) | ((event: ErrorEvent) => void)): void {
    if (type === 'message') this.messageListeners.add(listener as (event: MessageEvent) => void);
    else this.errorListeners.add(listener as (event: ErrorEvent) => void);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Reports an unasked event, as a worker whose GPU device was lost does. */
  emit(event: WorkerEvent): void {
    this.deliver({ id: EVENT_ID, type: 'event', payload: event });
  }

  private deliver(reply: Reply<A>): void {
    queueMicrotask(() => {
      if (this.terminated) return;
      for (const listener of this.messageListeners) listener({ data: reply } as MessageEvent);
    });
  }
}
