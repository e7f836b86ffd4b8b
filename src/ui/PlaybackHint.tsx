import { useEffect } from 'react';
import { useAppState, useAssistant } from './assistantContext';

/** When the browser pauses sound until a gesture, say so, and resume on the next click or key. */
export function PlaybackHint() {
  const { voice } = useAssistant();
  const suspended = useAppState((s) => s.playbackSuspended);
  useEffect(() => {
    if (!suspended) return;
    const resume = () => voice.resume();
    window.addEventListener('pointerdown', resume, { once: true });
    window.addEventListener('keydown', resume, { once: true });
    return () => {
      window.removeEventListener('pointerdown', resume);
      window.removeEventListener('keydown', resume);
    };
  }, [suspended, voice]);
  if (!suspended) return null;
  return (
    <p className="talk-problem" role="alert" data-testid="playback-hint">
      The browser paused sound: click anywhere or press a key to hear the replies.
    </p>
  );
}
