/**
 * One typed request/reply protocol for every worker. An API maps each request kind to its
 * payload, its final result and the chunks it may stream before that result.
 */
export interface Method<Payload, Result, Chunk = never> {
  payload: Payload;
  result: Result;
  chunk: Chunk;
}

export type Api = Record<string, Method<unknown, unknown, unknown>>;

/** Loading or work progress, reported against the request that caused it. */
export interface Progress {
  stage: string;
  loadedBytes?: number;
  totalBytes?: number;
  message?: string;
}

/** What a worker reports without being asked: its GPU device was lost (destroyed or reset). */
export type WorkerEvent = { kind: 'deviceLost'; reason: string; message: string };

/** Request ids start at 1; id 0 carries a worker's unasked events. */
export const EVENT_ID = 0;

/** Errors cross the thread boundary as plain data, never as Error objects. */
export interface WireError {
  name: string;
  message: string;
}

/** A call of one method, or the cancellation of the call with that id. */
export type Request<A extends Api> =
  | { [K in keyof A & string]: { id: number; type: 'call'; method: K; payload: A[K]['payload'] } }[keyof A & string]
  | { id: number; type: 'cancel' };

export type Reply<A extends Api> =
  | { id: typeof EVENT_ID; type: 'event'; payload: WorkerEvent }
  | { [K in keyof A & string]: { id: number; type: 'result'; method: K; payload: A[K]['result'] } }[keyof A & string]
  | { [K in keyof A & string]: { id: number; type: 'chunk'; method: K; payload: A[K]['chunk'] } }[keyof A & string]
  | { id: number; type: 'progress'; payload: Progress }
  | { id: number; type: 'error'; payload: WireError };

/** What a handler may do while it serves one request. */
export interface CallContext<Chunk> {
  signal: AbortSignal;
  chunk(chunk: Chunk, transfer?: Transferable[]): void;
  progress(progress: Progress): void;
}

/** The engine side: one async function per request kind. */
export type Handlers<A extends Api> = {
  [K in keyof A]: (payload: A[K]['payload'], context: CallContext<A[K]['chunk']>) => Promise<A[K]['result']>;
};

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** An Error rebuilt on the calling side, keeping the worker's error name. */
export class WorkerError extends Error {
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
  }
}
