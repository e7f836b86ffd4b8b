import { describe, expect, it } from 'vitest';
import { keepConversationAcrossVisibility, type VisibilityTarget } from './keepAcrossVisibility';

/** A document whose visibility the test sets, firing visibilitychange as a browser does. */
function fakeDocument() {
  const listeners = new Set<() => void>();
  let state: DocumentVisibilityState = 'visible';
  const target: VisibilityTarget = {
    get visibilityState() {
      return state;
    },
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
  };
  return {
    target,
    listeners,
    set(next: DocumentVisibilityState) {
      state = next;
      listeners.forEach((listener) => listener());
    },
  };
}

describe('keepConversationAcrossVisibility', () => {
  it('does nothing on hide and resumes the voice on every show', () => {
    const doc = fakeDocument();
    let resumed = 0;
    keepConversationAcrossVisibility(doc.target, () => resumed++);
    doc.set('hidden');
    expect(resumed).toBe(0);
    doc.set('visible');
    doc.set('hidden');
    doc.set('visible');
    expect(resumed).toBe(2);
  });

  it('stops listening when unsubscribed, so a remounted control never resumes twice', () => {
    const doc = fakeDocument();
    let resumed = 0;
    const stop = keepConversationAcrossVisibility(doc.target, () => resumed++);
    stop();
    keepConversationAcrossVisibility(doc.target, () => resumed++);
    doc.set('visible');
    expect(doc.listeners.size).toBe(1);
    expect(resumed).toBe(1);
  });
});
