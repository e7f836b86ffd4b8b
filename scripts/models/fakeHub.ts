// Test support: a loopback HTTP server that answers like the hub's /<repo>/resolve/<revision>/<path>.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeHubBehaviour =
  | 'normal'
  /** Declares the full Content-Length, sends half, then drops the connection (every time). */
  | 'truncate'
  /** Drops the connection after half the file on the first request only. */
  | 'die-once'
  /** Answers 200 with the whole file even when asked for a Range. */
  | 'ignore-range';

export interface FakeHubFile {
  bytes: Buffer;
  behaviour?: FakeHubBehaviour;
}

export interface FakeHubRequest {
  path: string;
  range: string | undefined;
}

export const FAKE_BRANCH = 'main';
export const FAKE_COMMIT = 'c0ffee0000000000000000000000000000000001';

export interface FakeHub {
  baseUrl: string;
  requests: FakeHubRequest[];
  /** Body bytes sent, per request path. */
  bytesSentByPath: Map<string, number>;
  close(): Promise<void>;
}

/** `files` is keyed by URL path without the leading slash: "<repo>/resolve/main/<path in repo>". */
export async function startFakeHub(files: Record<string, FakeHubFile>): Promise<FakeHub> {
  const requests: FakeHubRequest[] = [];
  const bytesSentByPath = new Map<string, number>();
  const servedOnce = new Set<string>();

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.slice(1));
    // The pinned commit names the same files as the branch, as on the hub.
    const filesKey = path.replace(`/resolve/${FAKE_COMMIT}/`, `/resolve/${FAKE_BRANCH}/`);
    const range = request.headers.range;
    requests.push({ path, range });
    const file = files[filesKey];
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    const behaviour = file.behaviour ?? 'normal';
    const start = behaviour === 'ignore-range' ? 0 : Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? 0);
    const body = file.bytes.subarray(start);
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'content-length': body.length,
      'x-repo-commit': FAKE_COMMIT,
    };
    if (start > 0) headers['content-range'] = `bytes ${start}-${file.bytes.length - 1}/${file.bytes.length}`;
    response.writeHead(start > 0 ? 206 : 200, headers);
    const dropHalfway = behaviour === 'truncate' || (behaviour === 'die-once' && !servedOnce.has(path));
    servedOnce.add(path);
    const sent = dropHalfway ? body.subarray(0, Math.floor(body.length / 2)) : body;
    bytesSentByPath.set(path, (bytesSentByPath.get(path) ?? 0) + sent.length);
    if (!dropHalfway) {
      response.end(sent);
      return;
    }
    // end() rather than destroy(): a reset could discard bytes still in flight.
    response.write(sent, () => response.socket?.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    bytesSentByPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on loopback that nothing listens on. */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
