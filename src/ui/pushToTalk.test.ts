import { describe, expect, it } from 'vitest';
import type { MicStatus } from '../state/micSlice';
import { isPushToTalkKey, PushToTalk, type Microphone } from './pushToTalk';

const SPACE = { code: 'Space', repeat: false, altKey: false, ctrlKey: false, metaKey: false };
const BODY = { tagName: 'BODY', isContentEditable: false };

/** A microphone whose start resolves when the test says so, recording every call. */
function fakeMicrophone(initial: MicStatus = 'idle') {
  let status: MicStatus = initial;
  let open: (() => void) | null = null;
  const calls: string[] = [];
  const microphone: Microphone = {
    status: () => status,
    start: () => {
      calls.push('start');
      status = 'starting';
      return new Promise<void>((resolve) => {
        open = () => {
          status = 'listening';
          resolve();
        };
      });
    },
    stop: async () => {
      calls.push('stop');
      status = 'idle';
    },
  };
  return { microphone, calls, open: () => open?.(), status: () => status };
}

describe('isPushToTalkKey', () => {
  it('takes Space on the page body or on plain content', () => {
    expect(isPushToTalkKey(SPACE, BODY)).toBe(true);
    expect(isPushToTalkKey(SPACE, null)).toBe(true);
    expect(isPushToTalkKey(SPACE, { tagName: 'p', isContentEditable: false })).toBe(true);
  });

  it('leaves Space to fields, controls and editable text, and ignores other keys and modifiers', () => {
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'SUMMARY', 'A']) expect(isPushToTalkKey(SPACE, { tagName, isContentEditable: false })).toBe(false);
    expect(isPushToTalkKey(SPACE, { tagName: 'DIV', isContentEditable: true })).toBe(false);
    expect(isPushToTalkKey({ ...SPACE, code: 'KeyT' }, BODY)).toBe(false);
    expect(isPushToTalkKey({ ...SPACE, ctrlKey: true }, BODY)).toBe(false);
  });
});

describe('PushToTalk', () => {
  it('starts on press and stops on release', async () => {
    const mic = fakeMicrophone();
    const ptt = new PushToTalk(mic.microphone);
    const pressed = ptt.press();
    mic.open();
    await pressed;
    expect(mic.status()).toBe('listening');
    await ptt.release();
    expect(mic.calls).toEqual(['start', 'stop']);
    expect(mic.status()).toBe('idle');
  });

  it('stops once the microphone opens when the key was released while it was opening', async () => {
    const mic = fakeMicrophone();
    const ptt = new PushToTalk(mic.microphone);
    const pressed = ptt.press();
    await ptt.release();
    expect(mic.calls).toEqual(['start']);
    mic.open();
    await pressed;
    expect(mic.calls).toEqual(['start', 'stop']);
    expect(mic.status()).toBe('idle');
  });

  it('ignores auto-repeated presses while held', async () => {
    const mic = fakeMicrophone();
    const ptt = new PushToTalk(mic.microphone);
    const pressed = ptt.press();
    void ptt.press();
    mic.open();
    await pressed;
    await ptt.press();
    expect(mic.calls).toEqual(['start']);
  });

  it('never stops hands-free listening that the Talk button started', async () => {
    const mic = fakeMicrophone('listening');
    const ptt = new PushToTalk(mic.microphone);
    await ptt.press();
    await ptt.release();
    expect(mic.calls).toEqual([]);
    expect(mic.status()).toBe('listening');
  });
});
