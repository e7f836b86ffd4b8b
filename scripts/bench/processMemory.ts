// Resident memory of Chromium's renderer and GPU processes, where wasm heaps (onnxruntime's) and GPU buffers live.
import { readFileSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';

export interface ProcessMemory {
  /** Every renderer: the page, its workers and their wasm memories (headless Chromium's own UI pages are tiny). */
  rendererBytes: number;
  /** The GPU process: WebGPU buffers (SwiftShader keeps them in its own memory). */
  gpuBytes: number;
  /** Current size of every wasm linear memory in the renderers (onnxruntime's heaps); never shrinks. */
  wasmMemoryBytes: number;
}

/** V8 reserves 8 GiB of address space per 32-bit wasm memory; the accessible (rw) head of it is the memory's size (the inaccessible rest may merge with a neighbouring reservation). */
const WASM_RESERVATION_BYTES = 8 * 2 ** 30;

/** Sum of the wasm memories' sizes from /proc/<pid>/maps: an rw mapping followed, contiguously, by the rest of its reservation. */
function wasmMemoryBytes(pid: number): number {
  let maps: string;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return 0;
  }
  const ranges = maps.split('\n').flatMap((line) => {
    const match = /^([0-9a-f]+)-([0-9a-f]+) (\S{4})/.exec(line);
    return match ? [{ start: BigInt(`0x${match[1]}`), end: BigInt(`0x${match[2]}`), perms: match[3]! }] : [];
  });
  let total = 0;
  ranges.forEach((range, i) => {
    const next = ranges[i + 1];
    const isWasm = range.perms.startsWith('rw') && next?.perms === '---p' && next.start === range.end && next.end - range.start >= BigInt(WASM_RESERVATION_BYTES);
    if (isWasm) total += Number(range.end - range.start);
  });
  return total;
}

/** VmRSS from /proc (Linux), in bytes; 0 for a process that has gone. */
function residentBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export async function processMemory(browserSession: CDPSession): Promise<ProcessMemory> {
  const { processInfo } = (await browserSession.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  const sum = (type: string) => processInfo.filter((process) => process.type === type).reduce((total, process) => total + residentBytes(process.id), 0);
  const renderers = processInfo.filter((process) => process.type === 'renderer');
  return { rendererBytes: sum('renderer'), gpuBytes: sum('GPU'), wasmMemoryBytes: renderers.reduce((total, process) => total + wasmMemoryBytes(process.id), 0) };
}
