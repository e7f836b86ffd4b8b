// Resident memory of Chromium's renderer and GPU processes, where wasm heaps (onnxruntime's) and GPU buffers live.
import { readFileSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';

export interface ProcessMemory {
  /** Every renderer: the page, its workers and their wasm memories (headless Chromium's own UI pages are tiny). */
  rendererBytes: number;
  /** The GPU process: WebGPU buffers (SwiftShader keeps them in its own memory). */
  gpuBytes: number;
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
  return { rendererBytes: sum('renderer'), gpuBytes: sum('GPU') };
}
