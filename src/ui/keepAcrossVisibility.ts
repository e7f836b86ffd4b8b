export interface VisibilityTarget {
  readonly visibilityState: DocumentVisibilityState;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/**
 * Hidden, the page keeps listening and speaking: a user who switches tabs mid-conversation is
 * still talking to it, and the workers, the microphone stream and the audio graph stay as they
 * are (nothing is torn down, so nothing is started twice on return). Shown again, the microphone's
 * and the voice's AudioContexts are resumed in case the browser suspended them while hidden.
 * Returns the unsubscribe.
 */
export function keepConversationAcrossVisibility(target: VisibilityTarget, onShown: () => void): () => void {
  const changed = () => {
    if (target.visibilityState === 'visible') onShown();
  };
  target.addEventListener('visibilitychange', changed);
  return () => target.removeEventListener('visibilitychange', changed);
}

