import { toWireError, type Api, type CallContext, type Handlers, type Progress, type Reply, type Request } from './protocol';

type Post<A extends Api> = (reply: Reply<A>, transfer?: Transferable[]) => void;

/**
 * Routes requests to handlers and replies with chunks, progress, a result or a structured
 * error, each tagged with the request id. Works with a worker's `self` or a fake in tests.
 */
export function serve<A extends Api>(handlers: Handlers<A>, post: Post<A>): (request: Request<A>) => void {
  const running = new Map<number, AbortController>();
  return (request) => {
    if (request.type === 'cancel') {
      running.get(request.id)?.abort(new DOMException('cancelled', 'AbortError'));
      return;
    }
    const { id, method } = request;
    const handler = handlers[method] as ((payload: unknown, context: CallContext<unknown>) => Promise<unknown>) | undefined;
    if (!handler) {
      post({ id, type: 'error', payload: { name: 'UnknownMethod', message: `the worker has no method '${method}'` } });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    const context: CallContext<unknown> = {
      signal: controller.signal,
      chunk: (chunk, transfer) => post({ id, type: 'chunk', method, payload: chunk } as Reply<A>, transfer),
      progress: (progress: Progress) => post({ id, type: 'progress', payload: progress }),
    };
    handler(request.payload, context)
      .then((result) => post({ id, type: 'result', method, payload: result } as Reply<A>))
      .catch((error: unknown) => post({ id, type: 'error', payload: toWireError(error) }))
      .finally(() => running.delete(id));
  };
}
