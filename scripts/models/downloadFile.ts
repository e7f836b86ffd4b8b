import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { HttpStatusError, IntegrityError, isUnreachableCode, NetworkUnreachableError, TransferError } from './downloadErrors';

const MAX_REDIRECTS = 5;

export interface DownloadRequest {
  url: string;
  /** Final path; bytes go to `${targetPath}.partial` until they are complete and verified. */
  targetPath: string;
  /** Names the file in messages (its manifest path). */
  label: string;
  expectedSha256: string | null;
  /** Exact expected size (only from a verified manifest entry). */
  expectedSizeBytes: number | null;
  /** Gives up when the socket is idle this long (connect or mid-body). */
  idleTimeoutMs: number;
  onProgress?: (doneBytes: number, totalBytes: number | undefined) => void;
}

export interface DownloadResult {
  sizeBytes: number;
  sha256: string;
  /** Bytes of an earlier .partial that were kept (0 when the download started from scratch). */
  resumedFromBytes: number;
  /** Bytes received over the network in this call. */
  transferredBytes: number;
  /** The commit the hub resolved the revision to (its X-Repo-Commit header), when it said. */
  repoCommit: string | undefined;
}

interface OpenResponse {
  response: IncomingMessage;
  repoCommit: string | undefined;
}

/** Downloads one file, resuming a .partial with an HTTP Range request; renames it only once complete and verified. */
export async function downloadFile(request: DownloadRequest): Promise<DownloadResult> {
  const partialPath = `${request.targetPath}.partial`;
  let existingBytes = await fileSizeOrZero(partialPath);
  if (request.expectedSizeBytes !== null && existingBytes > request.expectedSizeBytes) {
    await rm(partialPath, { force: true });
    existingBytes = 0;
  }
  let opened = await openUrl(request.url, existingBytes, request.idleTimeoutMs);
  if (opened.response.statusCode === 416) {
    // The .partial is not a prefix the server can continue (e.g. the file changed): start again.
    opened.response.resume();
    await rm(partialPath, { force: true });
    existingBytes = 0;
    opened = await openUrl(request.url, 0, request.idleTimeoutMs);
  }
  const { response } = opened;
  const status = response.statusCode ?? 0;
  if (status !== 200 && status !== 206) {
    response.resume();
    throw new HttpStatusError(request.url, status);
  }
  if ((response.headers['content-type'] ?? '').includes('text/html')) {
    response.resume();
    throw new TransferError(request.label, `${request.url} sent a web page instead of the file (a mirror or proxy error page?)`);
  }

  // 206 continues the .partial; 200 means the server ignored Range, so the body is the whole file.
  const resumedFromBytes = status === 206 ? existingBytes : 0;
  if (status === 206) checkContentRangeStart(request, response, existingBytes);
  const totalBytes = status === 206 ? contentRangeTotal(response) : contentLength(response);
  const hash = createHash('sha256');
  if (resumedFromBytes > 0) await hashFileInto(partialPath, hash);
  await mkdir(dirname(partialPath), { recursive: true });

  let doneBytes = resumedFromBytes;
  const failure = await writeBody(response, partialPath, resumedFromBytes > 0, (chunk) => {
    hash.update(chunk);
    doneBytes += chunk.length;
    request.onProgress?.(doneBytes, totalBytes);
  });
  if (failure !== undefined) {
    throw new TransferError(request.label, `the connection broke after ${doneBytes} bytes (${describeError(failure)})`);
  }
  if (totalBytes !== undefined && doneBytes !== totalBytes) {
    throw new TransferError(request.label, `the server sent ${doneBytes} of ${totalBytes} bytes`);
  }

  const sha256 = hash.digest('hex');
  if (request.expectedSizeBytes !== null && doneBytes !== request.expectedSizeBytes) {
    await rm(partialPath, { force: true });
    throw new IntegrityError(request.label, 'size', `${request.expectedSizeBytes} bytes`, `${doneBytes} bytes`);
  }
  if (request.expectedSha256 !== null && sha256 !== request.expectedSha256) {
    await rm(partialPath, { force: true });
    throw new IntegrityError(request.label, 'sha256', request.expectedSha256, sha256);
  }
  await rename(partialPath, request.targetPath);
  return { sizeBytes: doneBytes, sha256, resumedFromBytes, transferredBytes: doneBytes - resumedFromBytes, repoCommit: opened.repoCommit };
}

/**
 * Streams the body into the .partial file and, even when the connection breaks, flushes what arrived
 * so that the next run can resume from it. Returns the failure, if any.
 */
async function writeBody(response: IncomingMessage, partialPath: string, append: boolean, onChunk: (chunk: Buffer) => void): Promise<unknown> {
  const out = createWriteStream(partialPath, { flags: append ? 'a' : 'w' });
  let failure: unknown;
  out.on('error', (error) => (failure ??= error));
  try {
    for await (const chunk of response) {
      onChunk(chunk as Buffer);
      if (!out.write(chunk) && failure === undefined) await once(out, 'drain');
    }
  } catch (error) {
    failure ??= error;
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return failure;
}

/** GET with an optional Range, following redirects (the hub answers /resolve/ with a redirect to its file store). */
async function openUrl(url: string, fromByte: number, idleTimeoutMs: number): Promise<OpenResponse> {
  let currentUrl = url;
  let repoCommit: string | undefined;
  for (let redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
    const response = await get(currentUrl, fromByte, idleTimeoutMs);
    const commitHeader = response.headers['x-repo-commit'];
    if (typeof commitHeader === 'string') repoCommit = commitHeader;
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status < 300 || status >= 400 || !location) return { response, repoCommit };
    response.resume();
    currentUrl = new URL(location, currentUrl).toString();
  }
  throw new TransferError(url, `more than ${MAX_REDIRECTS} redirects`);
}

function get(url: string, fromByte: number, idleTimeoutMs: number): Promise<IncomingMessage> {
  const parsed = new URL(url);
  const client = parsed.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { 'user-agent': 'es4r-web-models' };
  if (fromByte > 0) headers.range = `bytes=${fromByte}-`;
  return new Promise((resolve, reject) => {
    const request = client.get(parsed, { headers }, resolve);
    request.setTimeout(idleTimeoutMs, () => {
      request.destroy(Object.assign(new Error(`no answer within ${idleTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      reject(isUnreachableCode(error.code) ? new NetworkUnreachableError(parsed.host, error.code ?? 'error') : error);
    });
  });
}

function checkContentRangeStart(request: DownloadRequest, response: IncomingMessage, expectedStart: number): void {
  const start = /^bytes (\d+)-/.exec(response.headers['content-range'] ?? '')?.[1];
  if (start === undefined || Number(start) !== expectedStart) {
    response.resume();
    throw new TransferError(request.label, `asked for bytes from ${expectedStart} but got Content-Range "${response.headers['content-range'] ?? ''}"`);
  }
}

function contentRangeTotal(response: IncomingMessage): number | undefined {
  const total = /\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1];
  return total === undefined ? undefined : Number(total);
}

function contentLength(response: IncomingMessage): number | undefined {
  const header = response.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

async function fileSizeOrZero(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFileInto(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
