import { describe, expect, it } from 'vitest';
import { BargeInMachine, type BargeInEvent } from './bargeInMachine';

/**
 * Frames of 10 ms from t = 0 (centre i * 10 ms, known and fed at i * 10 + 12.5 ms) while the voice plays: 'u' the
 * user's (confirmable), 'd' user-like but not confirmable (leftover echo), '.' echo or silence; a VAD chunk of
 * probability `vad` after every third frame.
 */
function run(frames: string, { vad = 0.9, machine = new BargeInMachine() } = {}): BargeInEvent[] {
  const events: BargeInEvent[] = [];
  [...frames].forEach((mark, i) => {
    events.push(...machine.pushFrame({ centreMs: i * 10, playing: true, userLike: mark !== '.', confirmable: mark === 'u' }, i * 10 + 12.5));
    if (i % 3 === 2) machine.pushChunk(vad);
  });
  return events;
}

const repeat = (mark: string, n: number): string => mark.repeat(n);

describe('BargeInMachine', () => {
  it('ducks on the second frame of the user (20 ms) and confirms on their 20th (200 ms) frame', () => {
    const events = run(repeat('.', 30) + repeat('u', 40));
    expect(events).toEqual([
      { type: 'duck', atMs: 31 * 10 + 12.5 },
      { type: 'confirmed', onsetMs: 300, atMs: 49 * 10 + 12.5, playing: true },
    ]);
  });

  it('a single frame of the user does not duck', () => {
    expect(run(repeat('.', 10) + 'u' + repeat('.', 10) + 'u' + repeat('.', 10))).toEqual([]);
  });

  it('restores the voice 120 ms after a 190 ms cough ends, without confirming it', () => {
    const events = run(repeat('.', 10) + repeat('u', 19) + repeat('.', 30));
    expect(events).toEqual([
      { type: 'duck', atMs: 11 * 10 + 12.5 },
      // Frames 29..40 are the twelve quiet frames (120 ms): the restore comes with frame 40.
      { type: 'restore', atMs: 40 * 10 + 12.5, onsetMs: 100 },
    ]);
  });

  it('speech half hidden by echo still confirms: the user frames add up within 400 ms, across a restore', () => {
    // 10 of the user's frames, 13 hidden (a restore after 12), 10 more: the 20th user frame confirms.
    const events = run(repeat('.', 5) + repeat('u', 10) + repeat('.', 13) + repeat('u', 12));
    expect(events).toEqual([
      { type: 'duck', atMs: 6 * 10 + 12.5 },
      { type: 'restore', atMs: 26 * 10 + 12.5, onsetMs: 50 },
      { type: 'duck', atMs: 29 * 10 + 12.5 },
      { type: 'confirmed', onsetMs: 50, atMs: 37 * 10 + 12.5, playing: true },
    ]);
  });

  it('frames that duck but are not confirmable never confirm, however many: the voice comes back', () => {
    const events = run(repeat('.', 5) + repeat('d', 40) + repeat('.', 15));
    expect(events).toEqual([
      { type: 'duck', atMs: 6 * 10 + 12.5 },
      // They hold the duck; the twelfth quiet frame after them (frame 56) restores.
      { type: 'restore', atMs: 56 * 10 + 12.5, onsetMs: 50 },
    ]);
  });

  it('only confirmable frames add up where echo breaks the run: 15 of them among 10 that only duck do not confirm, 20 do', () => {
    expect(run(repeat('.', 5) + repeat('ud.', 10) + repeat('u', 5) + repeat('.', 15)).filter((e) => e.type === 'confirmed')).toEqual([]);
    const events = run(repeat('.', 5) + repeat('ud.', 10) + repeat('u', 10));
    // Frames 5..34 hold 10 confirmable ones, frames 35..44 are confirmable: the 20th is frame 44.
    expect(events.at(-1)).toEqual({ type: 'confirmed', onsetMs: 50, atMs: 44 * 10 + 12.5, playing: true });
  });

  it('frames that only duck between two confirmable ones, in an unbroken run, add up too (a word dipping under the confirm margin); not with fillHoles off', () => {
    // 1 confirmable, 4 that only duck, 15 confirmable: 20 frames of the user's word, the 20th (frame 24) confirms.
    const word = repeat('.', 5) + 'u' + repeat('d', 4) + repeat('u', 15) + repeat('.', 15);
    expect(run(word).filter((e) => e.type === 'confirmed')).toEqual([{ type: 'confirmed', onsetMs: 50, atMs: 24 * 10 + 12.5, playing: true }]);
    expect(run(word, { machine: new BargeInMachine({ fillHoles: false }) }).filter((e) => e.type === 'confirmed')).toEqual([]);
    // A frame of echo breaks the run, and frames after the last confirmable one close no hole: 16 and 18 frames, no confirmation.
    expect(run(repeat('.', 5) + 'u' + 'dd.d' + repeat('u', 15) + repeat('.', 15)).filter((e) => e.type === 'confirmed')).toEqual([]);
    expect(run(repeat('.', 5) + repeat('u', 18) + repeat('d', 10) + repeat('.', 15)).filter((e) => e.type === 'confirmed')).toEqual([]);
  });

  it('user frames more than 400 ms apart do not add up', () => {
    const events = run(repeat('.', 5) + repeat('u', 15) + repeat('.', 40) + repeat('u', 10) + repeat('.', 20));
    expect(events.filter((event) => event.type === 'confirmed')).toEqual([]);
  });

  it('does not confirm while the VAD hears no speech, and confirms once it does', () => {
    const machine = new BargeInMachine();
    expect(run(repeat('u', 30), { vad: 0.1, machine })).toEqual([{ type: 'duck', atMs: 1 * 10 + 12.5 }]);
    machine.pushChunk(0.9);
    expect(machine.pushFrame({ centreMs: 300, playing: true, userLike: true, confirmable: true }, 312.5)).toEqual([
      // The first user frame still within 400 ms of the confirming one.
      { type: 'confirmed', onsetMs: 0, atMs: 312.5, playing: true },
    ]);
  });

  it('gives up after maxPendingMs of sparse user frames and restores', () => {
    const machine = new BargeInMachine({ maxPendingMs: 300, confirmSpeechMs: 250, confirmWindowMs: 400 });
    const sparse = Array.from({ length: 40 }, (_, i) => (i % 3 === 2 ? '.' : 'u')).join('');
    const events = run(sparse, { machine });
    expect(events[0]).toEqual({ type: 'duck', atMs: 1 * 10 + 12.5 });
    // Two in three frames are the user's: 25 of them (250 ms) take 37 frames, past maxPendingMs at frame 30.
    expect(events[1]).toEqual({ type: 'restore', atMs: 30 * 10 + 12.5, onsetMs: 0 });
  });

  it('confirms without ducking when nothing plays, and reports that no voice was playing', () => {
    const machine = new BargeInMachine();
    const events: BargeInEvent[] = [];
    for (let i = 0; i < 30; i++) {
      events.push(...machine.pushFrame({ centreMs: i * 10, playing: false, userLike: true, confirmable: true }, i * 10 + 12.5));
      if (i % 3 === 2) machine.pushChunk(0.9);
    }
    expect(events).toEqual([{ type: 'confirmed', onsetMs: 0, atMs: 19 * 10 + 12.5, playing: false }]);
  });

  it('a confirmed user stays confirmed through a pause between words (under confirmedPauseMs of quiet chunks), not after one', () => {
    const machine = new BargeInMachine();
    machine.pushChunk(0.9);
    run(repeat('u', 30), { machine });
    expect(machine.confirmed).toBe(true);
    for (let chunk = 0; chunk < 9; chunk++) machine.pushChunk(0.1);
    expect(machine.confirmed).toBe(true);
    machine.pushChunk(0.9);
    for (let chunk = 0; chunk < 9; chunk++) machine.pushChunk(0.1);
    expect(machine.confirmed).toBe(true);
    // The tenth quiet chunk in a row: 320 ms >= 300 ms.
    machine.pushChunk(0.1);
    expect(machine.confirmed).toBe(false);
  });

  it('a reset while ducked restores the voice', () => {
    const machine = new BargeInMachine();
    run('uu', { machine });
    expect(machine.ducked).toBe(true);
    expect(machine.reset(500)).toEqual([{ type: 'restore', atMs: 500, onsetMs: 0 }]);
    expect(machine.ducked).toBe(false);
  });
});
