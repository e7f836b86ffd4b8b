import { afterEach, describe, expect, it } from 'vitest';
import { ORT_BUILDS } from '../ortWasmPaths';
import { useSharedOrtWasm } from './sharedOrtWasm';

const BASE = 'http://127.0.0.1:5173/assets/worker.js';
/** (module (func (export "answer") (result i32) i32.const 42)), assembled by hand. */
const ANSWER_42 = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x61, 0x6e, 0x73,
  0x77, 0x65, 0x72, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
]);
/** The same with 7. */
const ANSWER_7 = ANSWER_42.map((byte, i) => (i === ANSWER_42.length - 2 ? 7 : byte));

function responseFrom(url: string, bytes: Uint8Array<ArrayBuffer>): Response {
  const response = new Response(bytes, { headers: { 'content-type': 'application/wasm' } });
  Object.defineProperty(response, 'url', { value: url });
  return response;
}

const original = WebAssembly.instantiateStreaming;
afterEach(() => {
  WebAssembly.instantiateStreaming = original;
});

describe('useSharedOrtWasm', () => {
  it("instantiates the page's module for the runtime's file, and compiles any other file as before", async () => {
    const shared = await WebAssembly.compile(ANSWER_42);
    useSharedOrtWasm(shared, 'plain', BASE);
    // The runtime's file arrives with other bytes: they are not compiled, the shared module is used.
    const runtime = await WebAssembly.instantiateStreaming(Promise.resolve(responseFrom(new URL(ORT_BUILDS.plain.wasm, BASE).href, ANSWER_7)), {});
    expect(runtime.module).toBe(shared);
    expect((runtime.instance.exports.answer as () => number)()).toBe(42);
    const other = await WebAssembly.instantiateStreaming(Promise.resolve(responseFrom('http://127.0.0.1:5173/other.wasm', ANSWER_7)), {});
    expect(other.module).not.toBe(shared);
    expect((other.instance.exports.answer as () => number)()).toBe(7);
  });
});
