import { describe, expect, it } from 'vitest';
import { RingHistory } from './ringHistory';

const range = (from: number, to: number): Float32Array => Float32Array.from({ length: to - from }, (_, i) => from + i);

describe('RingHistory', () => {
  it('keeps the newest capacity rows, addressed by absolute index, across wrap-around', () => {
    const ring = new RingHistory(10);
    ring.restart(100);
    ring.append(range(100, 107));
    ring.append(range(107, 115));
    expect([ring.startIndex, ring.endIndex]).toEqual([105, 115]);
    const out = new Float32Array(10);
    ring.copyRows(105, 115, out);
    expect(Array.from(out)).toEqual(Array.from(range(105, 115)));
    expect(() => ring.copyRows(104, 110, out)).toThrow(/\[105, 115\)/);
    expect(() => ring.copyRows(110, 116, out)).toThrow(RangeError);
  });

  it('handles multi-value rows, partial sources and appends larger than the capacity', () => {
    const ring = new RingHistory(3, 2);
    ring.append(range(0, 10), 1, 3); // rows [2,3], [4,5], [6,7]
    ring.append(range(0, 10)); // 5 rows into a 3-row ring: only [4,5], [6,7], [8,9] survive
    expect([ring.startIndex, ring.endIndex]).toEqual([5, 8]);
    const out = new Float32Array(4);
    ring.copyRows(6, 8, out);
    expect(Array.from(out)).toEqual([6, 7, 8, 9]);
    expect(() => ring.append(range(0, 3))).toThrow(RangeError);
  });
});
