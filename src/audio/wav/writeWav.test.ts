import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav16 } from './writeWav';

describe('encodeWav16', () => {
  it('writes a file sox reads back as the same 24 kHz mono samples within half an LSB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wav-'));
    try {
      const samples = Float32Array.from({ length: 2400 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 24_000));
      samples[10] = 1.5; // clipped to full scale
      const path = join(dir, 'out.wav');
      writeFileSync(path, encodeWav16(samples, 24_000));
      expect(execFileSync('soxi', ['-r', path]).toString().trim()).toBe('24000');
      expect(execFileSync('soxi', ['-c', path]).toString().trim()).toBe('1');
      const raw = execFileSync('sox', ['-D', '-V1', path, '-t', 'f32', '-']);
      const decoded = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
      expect(decoded.length).toBe(samples.length);
      for (let i = 0; i < samples.length; i++) expect(Math.abs(decoded[i]! - Math.max(-1, Math.min(1, samples[i]!)))).toBeLessThan(1 / 32767);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
