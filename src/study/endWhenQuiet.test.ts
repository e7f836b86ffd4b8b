import { describe, expect, it } from 'vitest';
import { EndWhenQuiet, SPEECH_START_GRACE_MS, type QuietInputs } from './endWhenQuiet';

const idle: QuietInputs = { transcribing: false, lastTurn: null, ttsReady: true, speakingReplyId: null };
const reply = (id: number, streaming: boolean): QuietInputs['lastTurn'] => ({ kind: 'assistant', id, streaming });

describe('EndWhenQuiet', () => {
  it('waits while a turn is transcribed, a reply is written, then until that reply has been spoken', () => {
    const watch = new EndWhenQuiet();
    expect(watch.observe({ ...idle, transcribing: true, lastTurn: { kind: 'user' } }, 0)).toBe(false);
    expect(watch.observe({ ...idle, lastTurn: reply(1, true) }, 100)).toBe(false);
    // Written but not yet voiced: synthesis is still on its way.
    expect(watch.observe({ ...idle, lastTurn: reply(1, false) }, 200)).toBe(false);
    expect(watch.observe({ ...idle, lastTurn: reply(1, false), speakingReplyId: 1 }, 300)).toBe(false);
    expect(watch.observe({ ...idle, lastTurn: reply(1, false) }, 2300)).toBe(true);
  });

  it('knows a reply spoken before the limit came, so it does not wait again', () => {
    const watch = new EndWhenQuiet();
    watch.observe({ ...idle, lastTurn: reply(3, false), speakingReplyId: 3 }, 0);
    expect(watch.observe({ ...idle, lastTurn: reply(3, false) }, 60_000)).toBe(true);
  });

  it('gives up on a voice that never starts after the grace period, and does not wait without a voice', () => {
    const watch = new EndWhenQuiet();
    expect(watch.observe({ ...idle, lastTurn: reply(5, false) }, 1000)).toBe(false);
    expect(watch.observe({ ...idle, lastTurn: reply(5, false) }, 1000 + SPEECH_START_GRACE_MS - 1)).toBe(false);
    expect(watch.observe({ ...idle, lastTurn: reply(5, false) }, 1000 + SPEECH_START_GRACE_MS)).toBe(true);
    expect(new EndWhenQuiet().observe({ ...idle, ttsReady: false, lastTurn: reply(6, false) }, 0)).toBe(true);
  });

  it('ends at once when the last turn was heard but not answered (no models)', () => {
    expect(new EndWhenQuiet().observe({ ...idle, lastTurn: { kind: 'user' } }, 0)).toBe(true);
    expect(new EndWhenQuiet().observe(idle, 0)).toBe(true);
  });
});
