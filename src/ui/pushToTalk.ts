import type { MicStatus } from '../state/micSlice';

/** Hold this key (KeyboardEvent.code) to talk; release it to end the turn. */
export const PUSH_TO_TALK_CODE = 'Space';

/** Elements where Space already means something: typing, pressing a control, opening a disclosure. */
const SPACE_TAKEN_BY = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'SUMMARY', 'OPTION', 'A']);

export interface KeyLike {
  code: string;
  repeat: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

export interface FocusLike {
  tagName: string;
  isContentEditable: boolean;
}

/** Space with no modifier, pressed while the focus is not in a field or on a control. */
export function isPushToTalkKey(key: KeyLike, focus: FocusLike | null): boolean {
  if (key.code !== PUSH_TO_TALK_CODE || key.altKey || key.ctrlKey || key.metaKey) return false;
  return !focus || (!focus.isContentEditable && !SPACE_TAKEN_BY.has(focus.tagName.toUpperCase()));
}

export interface Microphone {
  status(): MicStatus;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Push-to-talk on top of hands-free listening: a press starts capture, the release stops it
 * (the listen worker ends the turn in progress). A press during hands-free listening is left
 * alone, so releasing the key never stops a conversation the Talk button started.
 */
export class PushToTalk {
  private held = false;
  private starting: Promise<void> | null = null;

  constructor(private readonly microphone: Microphone) {}

  get isHeld(): boolean {
    return this.held;
  }

  async press(): Promise<void> {
    if (this.held || this.starting) return;
    const status = this.microphone.status();
    if (status === 'listening' || status === 'starting' || status === 'stopping') return;
    this.held = true;
    this.starting = this.microphone.start();
    try {
      await this.starting;
    } finally {
      this.starting = null;
    }
    // Released while the microphone was opening: stop as soon as it is open.
    if (!this.held && this.microphone.status() === 'listening') await this.microphone.stop();
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    if (this.starting) return;
    if (this.microphone.status() === 'listening') await this.microphone.stop();
  }
}
