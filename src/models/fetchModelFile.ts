import { concatBytes } from '../concatArrays';
import { errorMessage } from '../errorMessage';
/** A model file could not be had: which file, why, and what fixes it. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(
    readonly url: string,
    reason: string,
    readonly remedy: string,
  ) {
    super(`${url}: ${reason}. ${remedy}`);
  }
}

export interface FetchProgress {
  loadedBytes: number;
  totalBytes: number | undefined;
}

/**
 * Fetches a model file from the page's own origin. A dev server answers a missing file with
 * index.html and status 200, so HTML is treated as missing rather than parsed as a model.
 */
export async function fetchModelFile(
  url: string,
  remedy: string,
  onProgress: (progress: FetchProgress) => void = () => {},
  fetchImpl: typeof fetch = fetch,
): Promise<Uint8Array> {
  const response = await fetchModelResponse(url, remedy, undefined, fetchImpl);
  const declared = Number(response.headers.get('content-length'));
  const totalBytes = Number.isFinite(declared) && declared > 0 ? declared : undefined;
  const bytes = await readAll(response, totalBytes, onProgress);
  if (bytes.byteLength === 0) throw new ModelFileError(url, 'is empty', remedy);
  return bytes;
}

/** A model file's response, or a ModelFileError naming the file whether the fetch itself failed or its answer is not the file. */
export async function fetchModelResponse(url: string, remedy: string, init?: RequestInit, fetchImpl: typeof fetch = fetch): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    throw new ModelFileError(url, `could not be fetched (${errorMessage(error)})`, remedy);
  }
  assertModelResponse(url, response, remedy);
  return response;
}

/** Rejects a failed response, and the web page a dev server sends in place of a missing file. */
export function assertModelResponse(url: string, response: Response, remedy: string): void {
  if (!response.ok) throw new ModelFileError(url, `the server answered ${response.status} ${response.statusText}`.trim(), remedy);
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.includes('text/html')) throw new ModelFileError(url, 'is missing (the server sent a web page instead)', remedy);
}

async function readAll(response: Response, totalBytes: number | undefined, onProgress: (progress: FetchProgress) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const parts: Uint8Array[] = [];
  let loadedBytes = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loadedBytes += value.byteLength;
    onProgress({ loadedBytes, totalBytes });
  }
  return concatBytes(parts);
}
