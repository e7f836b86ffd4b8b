import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeFor, createDistServer, describeViolationReport, locateFile, responseHeaders } from './serve-dist.mjs';
import { contentSecurityPolicy } from '../src/privacy/securityHeaders.mjs';

describe('contentTypeFor', () => {
  it('gives the types browsers insist on for wasm and modules, and bytes for model files', () => {
    expect(contentTypeFor('/assets/ort-wasm-simd-threaded.asyncify-x.wasm')).toBe('application/wasm');
    expect(contentTypeFor('/assets/ort-wasm-simd-threaded.asyncify-x.mjs')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/assets/index-x.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/models/manifest.json')).toBe('application/json; charset=utf-8');
    expect(contentTypeFor('/models/tiny/whisper/onnx/encoder_model.onnx')).toBe('application/octet-stream');
    expect(contentTypeFor('/models/tiny/kokoro/voices/af_heart.bin')).toBe('application/octet-stream');
    expect(contentTypeFor('/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('/WEIGHTS.ONNX')).toBe('application/octet-stream');
  });
});

describe('responseHeaders', () => {
  it('isolates the page, carries the one policy and keeps only hashed assets for long', () => {
    const headers = responseHeaders('/assets/index-x.js');
    expect(headers['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(headers['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    expect(headers['Content-Security-Policy']).toBe(contentSecurityPolicy());
    expect(headers['Content-Security-Policy']).toContain("connect-src 'self'");
    expect(headers['Content-Security-Policy']).toContain("script-src 'self' 'wasm-unsafe-eval' blob:;");
    expect(headers['Content-Security-Policy']).not.toContain('unsafe-inline');
    expect(headers['Cache-Control']).toContain('immutable');
    expect(responseHeaders('/sw.js')['Cache-Control']).toBe('no-cache');
    expect(responseHeaders('/models/manifest.json')['Cache-Control']).toBe('no-cache');
  });
});

describe('locateFile', () => {
  const roots = { distDir: '/srv/dist', modelsDir: '/srv/models' };

  it('maps / to index.html, /models/ to the models folder and the rest to the build', () => {
    expect(locateFile('/', roots)).toBe('/srv/dist/index.html');
    expect(locateFile('/assets/a%20b.js', roots)).toBe('/srv/dist/assets/a b.js');
    expect(locateFile('/models/tiny/llm/config.json', roots)).toBe('/srv/models/tiny/llm/config.json');
  });

  it('refuses paths that climb out, dot-files and malformed escapes', () => {
    for (const path of ['/models/../package.json', '/%2e%2e/package.json', '/models/%2e%2e/%2e%2e/etc/passwd', '/.vite/manifest.json', '/a%00b', '/%E0%A4%A']) {
      expect(locateFile(path, roots), path).toBeNull();
    }
  });
});

describe('describeViolationReport', () => {
  it('names what was blocked, by which directive, where; and says when a report cannot be read', () => {
    const report = { 'csp-report': { 'document-uri': 'http://127.0.0.1:8080/', 'blocked-uri': 'https://example.org/x', 'effective-directive': 'connect-src', 'source-file': 'http://127.0.0.1:8080/assets/tts.worker-x.js' } };
    expect(describeViolationReport(JSON.stringify(report))).toBe('Content-Security-Policy blocked https://example.org/x (connect-src) in http://127.0.0.1:8080/assets/tts.worker-x.js');
    expect(describeViolationReport('{"csp-report":{"blocked-uri":"eval","violated-directive":"script-src","document-uri":"http://127.0.0.1:8080/"}}')).toBe('Content-Security-Policy blocked eval (script-src) in http://127.0.0.1:8080/');
    expect(describeViolationReport('not json')).toBe('Content-Security-Policy violation report (unreadable): not json');
  });
});

describe('createDistServer', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const logged: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serve-dist-'));
    mkdirSync(join(dir, 'dist/assets'), { recursive: true });
    mkdirSync(join(dir, 'models/tiny'), { recursive: true });
    writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dir, 'dist/assets/rt.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
    writeFileSync(join(dir, 'models/tiny/model.onnx'), Buffer.alloc(1000, 7));
    server = createDistServer({ distDir: join(dir, 'dist'), modelsDir: join(dir, 'models') }, (line) => logged.push(line));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A raw request, so paths reach the server exactly as written (fetch would normalise "..").  */
  function get(path: string, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    return new Promise((done, fail) => {
      const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', fail);
      req.end(body);
    });
  }

  it('serves the page and wasm with isolation headers, the policy and their types', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(page.headers['content-security-policy']).toBe(contentSecurityPolicy());
    const wasm = await get('/assets/rt.wasm');
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect([...wasm.body]).toEqual([0, 97, 115, 109, 1, 0, 0, 0]);
  });

  it('answers a missing model file with 404 and no web page, and a present one to HEAD with its size only', async () => {
    const missing = await get('/models/tiny/absent.onnx');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).not.toContain('text/html');
    expect(missing.headers['content-security-policy']).toBe(contentSecurityPolicy());
    expect((await get('/no/such/route')).status).toBe(404);
    const head = await get('/models/tiny/model.onnx', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('1000');
    expect(head.body.length).toBe(0);
    expect((await get('/models/tiny/model.onnx')).body.length).toBe(1000);
  });

  it('never serves files outside its two folders, and only reads', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    expect((await get('/models/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
  });

  it('logs the violation reports browsers post to it', async () => {
    const report = JSON.stringify({ 'csp-report': { 'blocked-uri': 'http://127.0.0.1:9/collect', 'effective-directive': 'connect-src', 'document-uri': 'http://127.0.0.1/' } });
    expect((await get('/csp-report', 'POST', report)).status).toBe(204);
    expect(logged).toEqual(['Content-Security-Policy blocked http://127.0.0.1:9/collect (connect-src) in http://127.0.0.1/']);
  });
});
