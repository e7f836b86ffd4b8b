import { useEffect } from 'react';
import { resumePlayback } from '../session/speechSession';
import { useStore } from '../state/store';

/** When the browser pauses sound until a gesture, say so, and resume on the next click or key. */
export function PlaybackHint() {
  const suspended = useStore((s) => s.playbackSuspended);
  useEffect(() => {
    if (!suspended) return;
    const resume = () => resumePlayback();
    window.addEventListener('pointerdown', resume, { once: true });
    window.addEventListener('keydown', resume, { once: true });
    return () => {
      window.removeEventListener('pointerdown', resume);
      window.removeEventListener('keydown', resume);
    };
  }, [suspended]);
  if (!suspended) return null;
  return (
    <p className="talk-problem" role="alert" data-testid="playback-hint">
      The browser paused sound: click anywhere or press a key to hear the replies.
    </p>
  );
}
