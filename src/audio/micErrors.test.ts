import { describe, expect, it } from 'vitest';
import { describeMicError } from './micErrors';

function domError(name: string): DOMException {
  return new DOMException('browser text', name);
}

describe('describeMicError', () => {
  it.each([
    ['NotAllowedError', 'denied'],
    ['SecurityError', 'denied'],
    ['NotFoundError', 'noDevice'],
    ['OverconstrainedError', 'noDevice'],
    ['NotReadableError', 'busy'],
    ['AbortError', 'busy'],
  ])('maps %s to %s with advice on what to do', (name, problem) => {
    const failure = describeMicError(domError(name));
    expect(failure.problem).toBe(problem);
    expect(failure.message).toMatch(/press Talk again|https/);
  });

  it('keeps the detail of an unexpected error', () => {
    const failure = describeMicError(new RangeError('sample rate 3000 is not supported'));
    expect(failure).toEqual({
      problem: 'failed',
      message: 'The microphone could not be started. (RangeError: sample rate 3000 is not supported)',
    });
  });
});
