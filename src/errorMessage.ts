/** The human-readable text of anything thrown (Errors and DOMExceptions keep their message). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
