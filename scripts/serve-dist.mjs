// Serves the built app (dist/) and the installed model packs (public/models/) on a laptop, with the headers the app
// needs: cross-origin isolation, the Content-Security-Policy, exact MIME types. Node's own http module only.
//   npm run serve [-- --port 8080] [--host 127.0.0.1] [--dist dist] [--models public/models]
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { appHeaders, contentSecurityPolicy, CSP_REPORT_PATH } from '../src/privacy/securityHeaders.mjs';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.npy': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.webmanifest': 'application/manifest+json',
};

/** @param {string} path */
export function contentTypeFor(path) {
  return MIME_TYPES[/** @type {keyof typeof MIME_TYPES} */ (extname(path).toLowerCase())] ?? 'application/octet-stream';
}

const POLICY = contentSecurityPolicy();

/**
 * Headers for a file served at `urlPath`: the app's headers on everything; built assets carry content hashes in their
 * names, so they are kept for a year; anything else (index.html, sw.js, model files) is revalidated.
 * @param {string} urlPath
 * @param {string} [filePath]  the file served there, when its name differs ("/" is index.html)
 */
export function responseHeaders(urlPath, filePath = urlPath) {
  return {
    ...appHeaders(POLICY),
    'Content-Type': contentTypeFor(filePath),
    'Cache-Control': urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
}

/**
 * The file on disk a URL path names, or null when it names nothing servable (outside both folders, a dot-file).
 * /models/... comes from the models folder, everything else from the build; there is no fallback to index.html,
 * so a missing model file is a 404 rather than a web page read as a model.
 * @param {string} urlPath  the request's pathname, percent-encoded
 * @param {{ distDir: string, modelsDir: string }} roots  absolute folders
 */
export function locateFile(urlPath, { distDir, modelsDir }) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.split('/').some((part) => part.startsWith('.'))) return null;
  const [root, rest] = path.startsWith('/models/') ? [modelsDir, path.slice('/models/'.length)] : [distDir, path.slice(1) || 'index.html'];
  const file = resolve(root, rest);
  return file.startsWith(root + sep) ? file : null;
}

/** A violation report larger than this is cut: one report is a few hundred bytes. */
const REPORT_LIMIT_BYTES = 64 * 1024;

/**
 * One line about a browser's violation report (report-uri format), for the server's log.
 * @param {string} body
 */
export function describeViolationReport(body) {
  let report;
  try {
    report = JSON.parse(body)['csp-report'];
  } catch {
    report = undefined;
  }
  if (!report || typeof report !== 'object') return `Content-Security-Policy violation report (unreadable): ${body.slice(0, 200)}`;
  const directive = report['effective-directive'] ?? report['violated-directive'] ?? '?';
  const where = report['source-file'] ?? report['document-uri'] ?? '?';
  return `Content-Security-Policy blocked ${report['blocked-uri'] ?? '?'} (${directive}) in ${where}`;
}

/**
 * @param {{ distDir: string, modelsDir: string }} roots
 * @param {(line: string) => void} [log]  where violation reports go
 */
export function createDistServer(roots, log = console.warn) {
  return createServer((request, response) => {
    const urlPath = new URL(request.url ?? '/', 'http://localhost').pathname;
    const method = request.method ?? 'GET';
    if (method === 'POST' && urlPath === CSP_REPORT_PATH) {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk) => {
        if (body.length < REPORT_LIMIT_BYTES) body += chunk;
      });
      request.on('end', () => {
        log(describeViolationReport(body));
        response.writeHead(204, appHeaders(POLICY)).end();
      });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405, { ...appHeaders(POLICY), Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = locateFile(urlPath, roots);
    const stats = file ? statSync(file, { throwIfNoEntry: false }) : undefined;
    if (!file || !stats?.isFile()) {
      response.writeHead(404, { ...appHeaders(POLICY), 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(method === 'HEAD' ? undefined : `${urlPath} is not here${urlPath === '/' ? ": run 'npm run build' first" : ''}\n`);
      return;
    }
    response.writeHead(200, { ...responseHeaders(urlPath, file), 'Content-Length': stats.size, 'Last-Modified': stats.mtime.toUTCString() });
    if (method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
}

function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      dist: { type: 'string', default: 'dist' },
      models: { type: 'string', default: 'public/models' },
    },
  });
  const roots = { distDir: resolve(PROJECT_ROOT, values.dist), modelsDir: resolve(PROJECT_ROOT, values.models) };
  if (!statSync(resolve(roots.distDir, 'index.html'), { throwIfNoEntry: false })) {
    console.warn(`${roots.distDir}/index.html is missing: run 'npm run build' first (serving what is there).`);
  }
  const server = createDistServer(roots);
  server.on('error', (error) => {
    console.error(`Cannot serve on ${values.host}:${values.port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(Number(values.port), values.host, () => {
    console.log(`Serving ${roots.distDir} and ${roots.modelsDir} at http://${values.host}:${values.port}/`);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
