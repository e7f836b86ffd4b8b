import { describe, expect, it } from 'vitest';
import { breakdownSmaps } from './smapsBreakdown';

/** A written smaps excerpt: each mapping's header and the fields the breakdown reads (Pss) or must skip (Rss). */
const mapping = (range: string, perms: string, path: string, pssKb: number) =>
  `${range} ${perms} 00000000 00:00 0 ${path}\nSize: 4 kB\nRss: ${pssKb * 2} kB\nPss: ${pssKb} kB\nVmFlags: rd wr\n`;

// A wasm memory: 0x7000000000 + 128 KiB accessible, then the rest of the 8 GiB reservation (0x200000000 bytes) inaccessible.
const SMAPS = [
  mapping('5600000000-5600100000', 'r-xp', '/usr/lib/chromium/chromium', 100),
  mapping('7000000000-7000020000', 'rw-p', '', 40),
  mapping('7000020000-7200000000', '---p', '', 0),
  // rw followed by a guard of another size: ordinary anonymous memory.
  mapping('7300000000-7300010000', 'rw-p', '', 8),
  mapping('7300010000-7300020000', '---p', '', 0),
  mapping('7400000000-7400010000', 'rw-s', '/memfd:cache-body (deleted)', 12),
  mapping('7500000000-7500010000', 'rw-p', '[heap]', 4),
  // The last wasm memory: its reservation's rest merged with a larger inaccessible neighbour.
  mapping('7600000000-7600010000', 'rw-p', '', 16),
  mapping('7600010000-7a00000000', '---p', '', 0),
].join('');

describe('breakdownSmaps', () => {
  it('splits Pss into wasm memories, files, shared memory and the rest', () => {
    expect(breakdownSmaps(SMAPS)).toEqual({
      wasmBytes: (40 + 16) * 1024,
      fileBytes: 100 * 1024,
      sharedMemoryBytes: 12 * 1024,
      otherAnonBytes: (8 + 4) * 1024,
      wasmMemorySizesBytes: [0x20000, 0x10000],
    });
  });
});
