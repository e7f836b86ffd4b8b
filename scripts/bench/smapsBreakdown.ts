// Where a Chromium process's proportional set size (Pss) lives, from /proc/<pid>/smaps: wasm memories (onnxruntime's
// heaps), mapped files (Chromium's code and data), shared memory (IPC buffers, e.g. Cache API bodies on their way to
// storage) and the rest of the anonymous memory (V8's JS heaps, ArrayBuffer backing stores, malloc, stacks).
import { readFileSync } from 'node:fs';

export interface PssBreakdown {
  wasmBytes: number;
  fileBytes: number;
  sharedMemoryBytes: number;
  otherAnonBytes: number;
  /** Accessible size of each wasm memory (not what of it is resident), largest first. */
  wasmMemorySizesBytes: number[];
}

/**
 * V8 reserves 8 GiB of address space per 32-bit wasm memory; the accessible (rw) head of it is the memory's size. The
 * inaccessible rest may merge with a neighbouring reservation, so it spans at least that.
 */
const WASM_RESERVATION_BYTES = 8n * 2n ** 30n;

interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  path: string;
  pssBytes: number;
}

function parseMappings(smaps: string): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of smaps.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      mappings.push({ start: BigInt(`0x${header[1]}`), end: BigInt(`0x${header[2]}`), perms: header[3]!, path: header[4]!.trim(), pssBytes: 0 });
      continue;
    }
    const pss = /^Pss:\s+(\d+) kB/.exec(line);
    const current = mappings.at(-1);
    if (pss && current) current.pssBytes = Number(pss[1]) * 1024;
  }
  return mappings;
}

function isSharedMemory(path: string): boolean {
  return path.startsWith('/memfd:') || path.startsWith('/dev/shm/') || path.startsWith('/SYSV');
}

/** Splits one process's smaps text; pure, so the rules are tested on a written sample. */
export function breakdownSmaps(smaps: string): PssBreakdown {
  const mappings = parseMappings(smaps);
  const breakdown: PssBreakdown = { wasmBytes: 0, fileBytes: 0, sharedMemoryBytes: 0, otherAnonBytes: 0, wasmMemorySizesBytes: [] };
  mappings.forEach((mapping, i) => {
    const next = mappings[i + 1];
    const isWasm = mapping.perms.startsWith('rw') && next?.perms === '---p' && next.start === mapping.end && next.end - mapping.start >= WASM_RESERVATION_BYTES;
    if (isWasm) {
      breakdown.wasmBytes += mapping.pssBytes;
      breakdown.wasmMemorySizesBytes.push(Number(mapping.end - mapping.start));
    } else if (isSharedMemory(mapping.path)) breakdown.sharedMemoryBytes += mapping.pssBytes;
    else if (mapping.path.startsWith('/')) breakdown.fileBytes += mapping.pssBytes;
    else breakdown.otherAnonBytes += mapping.pssBytes;
  });
  breakdown.wasmMemorySizesBytes.sort((a, b) => b - a);
  return breakdown;
}

/** The breakdown of a live process; null once it has gone. */
export function processBreakdown(pid: number): PssBreakdown | null {
  try {
    return breakdownSmaps(readFileSync(`/proc/${pid}/smaps`, 'utf8'));
  } catch {
    return null;
  }
}

export function addBreakdowns(a: PssBreakdown, b: PssBreakdown): PssBreakdown {
  return {
    wasmBytes: a.wasmBytes + b.wasmBytes,
    fileBytes: a.fileBytes + b.fileBytes,
    sharedMemoryBytes: a.sharedMemoryBytes + b.sharedMemoryBytes,
    otherAnonBytes: a.otherAnonBytes + b.otherAnonBytes,
    wasmMemorySizesBytes: [...a.wasmMemorySizesBytes, ...b.wasmMemorySizesBytes].sort((x, y) => y - x),
  };
}

export const EMPTY_BREAKDOWN: PssBreakdown = { wasmBytes: 0, fileBytes: 0, sharedMemoryBytes: 0, otherAnonBytes: 0, wasmMemorySizesBytes: [] };

export const breakdownTotal = (b: PssBreakdown) => b.wasmBytes + b.fileBytes + b.sharedMemoryBytes + b.otherAnonBytes;
