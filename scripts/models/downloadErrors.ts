import { CliError, EXIT_ENVIRONMENT } from '../cli/cliError';

/** Error codes that mean "this host cannot be reached at all", as opposed to a failure mid-transfer. */
const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

export function isUnreachableCode(code: string | undefined): boolean {
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/** The model host did not answer; one line that names the host and the way to use a mirror. */
export class NetworkUnreachableError extends CliError {
  constructor(host: string, code: string) {
    super(`cannot reach ${host} (${code}): check the network, or set HF_ENDPOINT=<mirror URL> or pass --base-url <mirror URL>`, EXIT_ENVIRONMENT);
  }
}

export class HttpStatusError extends CliError {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`${url}: the server answered HTTP ${status}`, EXIT_ENVIRONMENT);
  }
}

/** The connection broke or the body was short; the .partial file is kept so that a rerun resumes. */
export class TransferError extends CliError {
  constructor(label: string, problem: string) {
    super(`${label}: ${problem}; run the same command again to resume`, EXIT_ENVIRONMENT);
  }
}

/** The bytes arrived but are not the expected ones; the .partial file was deleted. */
export class IntegrityError extends CliError {
  constructor(label: string, what: 'sha256' | 'size', expected: string, actual: string) {
    super(`${label}: ${what} mismatch: expected ${expected}, got ${actual} (the download was discarded)`, EXIT_ENVIRONMENT);
  }
}
