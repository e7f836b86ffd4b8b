import { describe, expect, it } from 'vitest';
import { BargeInMachine, type BargeInEvent } from './bargeInMachine';

/** Chunks of 32 ms from t = 0; each entry: [probability, playing, userLike]. */
function run(chunks: ReadonlyArray<readonly [number, boolean, boolean]>, machine = new BargeInMachine()): BargeInEvent[] {
  return chunks.flatMap(([probability, playing, userLike], i) => machine.push({ startMs: i * 32, endMs: (i + 1) * 32, probability, playing, userLike }));
}

const silence = (n: number, playing = true) => Array.from({ length: n }, () => [0.05, playing, false] as const);
const user = (n: number, playing = true) => Array.from({ length: n }, () => [0.9, playing, true] as const);
const echo = (n: number) => Array.from({ length: n }, () => [0.9, true, false] as const);

describe('BargeInMachine', () => {
  it('ducks at the onset chunk and confirms after 192 ms (six chunks) of unexplained speech', () => {
    const events = run([...silence(3), ...user(8)]);
    expect(events).toEqual([
      { type: 'duck', atMs: 128 },
      { type: 'confirmed', onsetMs: 96, atMs: 96 + 6 * 32, playing: true },
    ]);
  });

  it('restores the voice 128 ms after a cough shorter than the confirmation ends', () => {
    const events = run([...silence(2), ...user(4), ...silence(5)]);
    expect(events).toEqual([
      { type: 'duck', atMs: 96 },
      { type: 'restore', atMs: (2 + 4 + 4) * 32, onsetMs: 64 },
    ]);
  });

  it('never ducks for speech the echo explains, and ducks for the user inside it', () => {
    expect(run([...silence(2), ...echo(40), ...silence(3)])).toEqual([]);
    const events = run([...echo(10), ...user(6)]);
    expect(events).toEqual([
      { type: 'duck', atMs: 11 * 32 },
      { type: 'confirmed', onsetMs: 10 * 32, atMs: 16 * 32, playing: true },
    ]);
  });

  it('counts only unexplained chunks: speech half hidden by echo confirms later, within maxPendingMs', () => {
    const alternating = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? ([0.9, true, true] as const) : ([0.9, true, false] as const)));
    const events = run(alternating);
    // Six unexplained chunks at indices 0, 2, ..., 10: confirmed at the end of chunk 10; quiet never reaches 3 in a row.
    expect(events.at(-1)).toEqual({ type: 'confirmed', onsetMs: 0, atMs: 11 * 32, playing: true });
  });

  it('gives up after maxPendingMs of sparse unexplained speech and restores', () => {
    const machine = new BargeInMachine({ maxPendingMs: 300, restoreAfterMs: 200 });
    const sparse = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? ([0.9, true, true] as const) : ([0.9, true, false] as const)));
    const events = run(sparse, machine);
    expect(events).toEqual([
      { type: 'duck', atMs: 32 },
      // 300 ms after the onset at 0: the end of chunk 9 (320 ms) is the first chunk end past it.
      { type: 'restore', atMs: 320, onsetMs: 0 },
    ]);
    // The speech goes on as echo: the next unexplained onset chunk ducks again.
    expect(machine.push({ startMs: 384, endMs: 416, probability: 0.9, playing: true, userLike: true })).toEqual([{ type: 'duck', atMs: 416 }]);
  });

  it('confirms without ducking when nothing plays, and reports that no voice was playing', () => {
    expect(run([...silence(1, false), ...user(6, false)])).toEqual([{ type: 'confirmed', onsetMs: 32, atMs: 7 * 32, playing: false }]);
  });

  it('a reset while ducked restores the voice', () => {
    const machine = new BargeInMachine();
    run(user(2), machine);
    expect(machine.ducked).toBe(true);
    expect(machine.reset(500)).toEqual([{ type: 'restore', atMs: 500, onsetMs: 0 }]);
    expect(machine.ducked).toBe(false);
  });
});
