import { describe, expect, it } from 'vitest';
import { PackProgress, renderBar } from './progressBar';

function capture(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, output: { isTTY, write: (text: string) => void writes.push(text) } };
}

describe('PackProgress', () => {
  it('logs one line per 10% step when not on a terminal', () => {
    const { writes, output } = capture(false);
    const progress = new PackProgress(output, 2000);
    progress.startFile();
    for (let doneBytes = 0; doneBytes <= 1000; doneBytes += 25) progress.update('a.onnx', doneBytes, 1000);
    expect(writes).toHaveLength(11);
    expect(writes[5]).toBe('a.onnx: 50% (500 B/1.0 kB), pack 25%\n');
  });

  it('redraws a single line in place on a terminal, with the file and the pack bars', () => {
    const { writes, output } = capture(true);
    const progress = new PackProgress(output, 2000);
    progress.finishFile(1000);
    progress.update('b.onnx', 500, 1000);
    expect(writes.at(-1)).toBe(`\r\x1b[2K${renderBar(0.5)}  50% b.onnx 500 B/1.0 kB | pack ${renderBar(0.75, 12)}  75%`);
  });
});
