import { WorkerError, type Api, type Progress, type Reply, type Request } from './protocol';

/** The port a client talks through: a Worker, or a fake in tests. */
export interface Endpoint<A extends Api> {
  postMessage(message: Request<A>, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<Reply<A>>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
}

export interface CallOptions<Chunk> {
  onChunk?: (chunk: Chunk) => void;
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
  transfer?: Transferable[];
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  onChunk?: (chunk: never) => void;
  onProgress?: (progress: Progress) => void;
}

/** Calls a worker's handlers as promises; chunks and progress arrive through callbacks. */
export class WorkerClient<A extends Api> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly endpoint: Endpoint<A>) {
    endpoint.addEventListener('message', (event) => this.receive(event.data));
    // A worker that dies (out of memory, a crash in a wasm runtime) fails every call in flight.
    endpoint.addEventListener('error', (event) => this.abandon(event.message || 'unknown error'));
  }

  /** Fails every call in flight as if the worker had crashed: its owner is replacing it (e.g. its GPU device was lost). */
  abandon(reason: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    pending.forEach((call) => call.reject(new WorkerError({ name: 'WorkerCrashed', message: `the worker stopped: ${reason}` })));
  }

  call<K extends keyof A & string>(
    method: K,
    payload: A[K]['payload'],
    options: CallOptions<A[K]['chunk']> = {},
  ): Promise<A[K]['result']> {
    const id = this.nextId++;
    const { signal, transfer } = options;
    if (signal?.aborted) return Promise.reject(new WorkerError({ name: 'AbortError', message: 'cancelled' }));
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: resolve as (result: unknown) => void,
        reject,
        onChunk: options.onChunk as ((chunk: never) => void) | undefined,
        onProgress: options.onProgress,
      });
      signal?.addEventListener('abort', () => this.endpoint.postMessage({ id, type: 'cancel' }), { once: true });
      this.endpoint.postMessage({ id, type: 'call', method, payload } as Request<A>, transfer);
    });
  }

  private receive(reply: Reply<A>): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    switch (reply.type) {
      case 'chunk':
        pending.onChunk?.(reply.payload as never);
        return;
      case 'progress':
        pending.onProgress?.(reply.payload);
        return;
      case 'result':
        this.pending.delete(reply.id);
        pending.resolve(reply.payload);
        return;
      case 'error':
        this.pending.delete(reply.id);
        pending.reject(new WorkerError(reply.payload));
        return;
    }
  }
}
