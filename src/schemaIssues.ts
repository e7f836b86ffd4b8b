// One way to tell a user what is wrong with a JSON file we validate (manifest, study file, es4r.json).
import { z } from 'zod';

// The page's CSP refuses eval: without this zod probes for it (one refused "eval" report per realm) before falling back.
z.config({ jitless: true });

/** "a.b[2].c" for an issue path; "(root)" for the whole value. */
function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** One indented "path: problem" line per issue. */
function issueLines(error: z.ZodError): string {
  return error.issues.map((issue) => `  ${issuePath(issue.path)}: ${issue.message}`).join('\n');
}

/** The validated value, or the error `fail` builds from the issue lines. */
export function parseOrThrow<T>(schema: z.ZodType<T>, json: unknown, fail: (issues: string) => Error): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  throw fail(issueLines(result.error));
}
