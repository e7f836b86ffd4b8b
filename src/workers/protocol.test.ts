import { describe, expect, it } from 'vitest';
import { WorkerClient, type Endpoint } from './client';
import { serve } from './serve';
import type { Handlers, Method, Reply, Request } from './protocol';

type CounterApi = {
  add: Method<{ a: number; b: number }, number>;
  count: Method<{ to: number }, 'done', number>;
  wait: Method<null, string>;
  fail: Method<null, never>;
};

/** Wires a client to handlers through asynchronous message delivery, as a worker would. */
function connect(handlers: Handlers<CounterApi>): { client: WorkerClient<CounterApi>; requests: Request<CounterApi>[]; crash(message: string): void } {
  const requests: Request<CounterApi>[] = [];
  const listeners: ((event: MessageEvent<Reply<CounterApi>>) => void)[] = [];
  const errorListeners: ((event: ErrorEvent) => void)[] = [];
  const handle = serve(handlers, (reply) => {
    queueMicrotask(() => listeners.forEach((listener) => listener({ data: reply } as MessageEvent<Reply<CounterApi>>)));
  });
  const endpoint: Endpoint<CounterApi> = {
    postMessage: (message) => {
      requests.push(message);
      queueMicrotask(() => handle(message));
    },
    addEventListener: ((type: 'message' | 'error', listener: (event: MessageEvent<Reply<CounterApi>> & ErrorEvent) => void) => {
      if (type === 'message') listeners.push(listener as (event: MessageEvent<Reply<CounterApi>>) => void);
      else errorListeners.push(listener as (event: ErrorEvent) => void);
    }) as Endpoint<CounterApi>['addEventListener'],
  };
  const crash = (message: string) => errorListeners.forEach((listener) => listener({ message } as ErrorEvent));
  return { client: new WorkerClient(endpoint), requests, crash };
}

const handlers: Handlers<CounterApi> = {
  add: async ({ a, b }) => a + b,
  count: async ({ to }, context) => {
    for (let i = 1; i <= to; i++) context.chunk(i);
    context.progress({ stage: 'counted', loadedBytes: to, totalBytes: to });
    return 'done';
  },
  wait: (_payload, context) =>
    new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason))),
  fail: async () => {
    const error = new Error('model file /models/x.onnx is missing');
    error.name = 'ModelMissingError';
    throw error;
  },
};

describe('worker protocol', () => {
  it('matches concurrent results to their requests', async () => {
    const { client } = connect(handlers);
    const [x, y] = await Promise.all([client.call('add', { a: 1, b: 2 }), client.call('add', { a: 10, b: 20 })]);
    expect([x, y]).toEqual([3, 30]);
  });

  it('streams chunks and progress before the result', async () => {
    const { client } = connect(handlers);
    const chunks: number[] = [];
    const stages: string[] = [];
    const result = await client.call('count', { to: 3 }, { onChunk: (n) => chunks.push(n), onProgress: (p) => stages.push(p.stage) });
    expect(result).toBe('done');
    expect(chunks).toEqual([1, 2, 3]);
    expect(stages).toEqual(['counted']);
  });

  it('keeps the error name and message across the boundary', async () => {
    const { client } = connect(handlers);
    await expect(client.call('fail', null)).rejects.toMatchObject({ name: 'ModelMissingError', message: 'model file /models/x.onnx is missing' });
  });

  it('cancels a running call by its id', async () => {
    const { client, requests } = connect(handlers);
    const controller = new AbortController();
    const pending = client.call('wait', null, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const call = requests.find((r) => r.type === 'call');
    expect(requests.find((r) => r.type === 'cancel')?.id).toBe(call?.id);
  });

  it('fails calls in flight when the worker crashes', async () => {
    const { client, crash } = connect(handlers);
    const pending = client.call('wait', null);
    crash('out of memory');
    await expect(pending).rejects.toMatchObject({ name: 'WorkerCrashed', message: 'the worker stopped: out of memory' });
  });

  it('fails calls in flight when its owner abandons the worker (a lost GPU device), and later calls still work', async () => {
    const { client } = connect(handlers);
    const pending = client.call('wait', null);
    client.abandon('its GPU device was lost');
    await expect(pending).rejects.toMatchObject({ name: 'WorkerCrashed', message: 'the worker stopped: its GPU device was lost' });
    await expect(client.call('add', { a: 2, b: 3 })).resolves.toBe(5);
  });

  it('answers an unknown method with a structured error', async () => {
    const { client } = connect({ ...handlers, add: undefined } as unknown as Handlers<CounterApi>);
    await expect(client.call('add', { a: 1, b: 1 })).rejects.toMatchObject({ name: 'UnknownMethod' });
  });
});
