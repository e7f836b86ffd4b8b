/** Why the microphone is not delivering audio, in terms the user can act on. */
export type MicProblem = 'denied' | 'noDevice' | 'busy' | 'unsupported' | 'lost' | 'failed';

export interface MicFailure {
  problem: MicProblem;
  message: string;
}

const ADVICE: Record<MicProblem, string> = {
  denied:
    'Microphone access was blocked. Allow it with the camera/microphone icon in the address bar (or in the site settings), then press Talk again.',
  noDevice: 'No microphone was found. Plug one in or enable it in your system settings, then press Talk again.',
  busy: 'The microphone is in use by another application or could not be opened. Close the other app, then press Talk again.',
  unsupported:
    'This page cannot use a microphone here: open it from a secure (https) address or from localhost, in a current Chrome, Edge or Firefox.',
  lost: 'The microphone was disconnected. The turn in progress was kept. Reconnect it and press Talk to go on.',
  failed: 'The microphone could not be started.',
};

/** Maps a getUserMedia / AudioContext failure to a problem and advice. */
export function describeMicError(error: unknown): MicFailure {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return { problem: 'denied', message: ADVICE.denied };
    case 'NotFoundError':
    case 'OverconstrainedError':
      return { problem: 'noDevice', message: ADVICE.noDevice };
    case 'NotReadableError':
    case 'AbortError':
      return { problem: 'busy', message: ADVICE.busy };
    case 'TypeError':
      return { problem: 'unsupported', message: ADVICE.unsupported };
    default: {
      const detail = error instanceof Error ? ` (${error.name}: ${error.message})` : '';
      return { problem: 'failed', message: `${ADVICE.failed}${detail}` };
    }
  }
}

export function micLostFailure(): MicFailure {
  return { problem: 'lost', message: ADVICE.lost };
}

export function micUnsupportedFailure(): MicFailure {
  return { problem: 'unsupported', message: ADVICE.unsupported };
}
