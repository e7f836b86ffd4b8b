import type { Page } from '@playwright/test';

/** Which of onnxruntime-web's wasm runtimes the page and its workers fetched, from now on: 'cpu' (plain) or 'webgpu' (asyncify). */
export function recordOrtRuntimes(page: Page): Set<'cpu' | 'webgpu'> {
  const seen = new Set<'cpu' | 'webgpu'>();
  page.on('request', (request) => {
    const url = new URL(request.url());
    const file = url.pathname.split('/').at(-1) ?? '';
    // The dev server also serves each file's URL as a module (`?import&url`): only the runtime's own fetch counts.
    if (!/^ort-wasm-simd-threaded.*\.wasm$/.test(file) || url.searchParams.has('url')) return;
    seen.add(file.includes('.asyncify') ? 'webgpu' : 'cpu');
  });
  return seen;
}
