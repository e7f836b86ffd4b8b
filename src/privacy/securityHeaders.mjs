// The app's security headers, in one place: vite.config.ts (dev server, preview) and scripts/serve-dist.mjs send them.
// Plain JavaScript so that `node scripts/serve-dist.mjs` needs no TypeScript loader.

/** Where browsers post violation reports: the app's own origin, like everything else. */
export const CSP_REPORT_PATH = '/csp-report';

/**
 * Every source is the page's own origin; nothing may be fetched, framed or posted elsewhere. Wasm may compile
 * (onnxruntime-web, the resampler's SIMD kernel). blob: scripts and workers are code the page made from bytes it already
 * holds: transformers.js keeps onnxruntime's glue module in Cache Storage, imports it from a blob: URL, and the wasm
 * runtime starts its threads from that same URL.
 */
const PRODUCTION_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'", 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'img-src': ["'self'"],
  'style-src': ["'self'"],
  'font-src': ["'self'"],
  'media-src': ["'self'"],
  'manifest-src': ["'self'"],
  'frame-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  // Violations in the page and in every worker are reported to the app's own server (npm run serve logs them).
  'report-uri': [CSP_REPORT_PATH],
};

/**
 * The Content-Security-Policy string. The dev server adds the hash of the React-refresh preamble (its one inline script)
 * and inline styles (Vite's dev client injects CSS as <style> elements); the built app needs neither.
 * @param {{ inlineScriptHashes?: string[], inlineStyles?: boolean }} [options]
 * @returns {string}
 */
export function contentSecurityPolicy({ inlineScriptHashes = [], inlineStyles = false } = {}) {
  const directives = structuredClone(PRODUCTION_DIRECTIVES);
  directives['script-src'].push(...inlineScriptHashes.map((hash) => `'${hash}'`));
  if (inlineStyles) directives['style-src'].push("'unsafe-inline'");
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** Cross-origin isolation: SharedArrayBuffer and multi-threaded wasm need both. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Every header the app's responses carry: isolation, the policy (also for workers, which take theirs from their own response), no MIME sniffing.
 * @param {string} policy
 * @returns {Record<string, string>}
 */
export function appHeaders(policy) {
  return {
    ...ISOLATION_HEADERS,
    'Content-Security-Policy': policy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
