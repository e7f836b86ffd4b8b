import { useStore } from '../state/store';
import type { MicStatus } from '../state/micSlice';
import { startListening, stopListening } from '../session/listenSession';

const STATUS_TEXT: Record<MicStatus, string> = {
  idle: 'Press Talk and speak; pause to end a turn.',
  starting: 'Asking for the microphone…',
  listening: 'Listening. Pause for half a second to end a turn.',
  stopping: 'Stopping…',
  denied: 'Microphone blocked',
  noDevice: 'No microphone',
  busy: 'Microphone unavailable',
  unsupported: 'Microphone not supported here',
  lost: 'Microphone disconnected',
  failed: 'Microphone failed',
};

export function TalkControl() {
  const micStatus = useStore((s) => s.micStatus);
  const micMessage = useStore((s) => s.micMessage);
  const speechActive = useStore((s) => s.speechActive);
  const vadStatus = useStore((s) => s.vadStatus);
  const vadError = useStore((s) => s.vadError);
  const listening = micStatus === 'listening';
  const busy = micStatus === 'starting' || micStatus === 'stopping';
  const problem = micMessage !== null;

  return (
    <section className="talk" aria-label="Microphone">
      <button
        type="button"
        className={`talk-button${listening ? ' is-on' : ''}${speechActive ? ' is-speech' : ''}`}
        onClick={() => (listening ? void stopListening() : void startListening())}
        disabled={busy}
        aria-pressed={listening}
        data-testid="talk"
      >
        {listening ? 'Stop' : 'Talk'}
      </button>
      <div className="talk-status" role="status" aria-live="polite">
        <p data-testid="mic-status" data-status={micStatus}>
          {STATUS_TEXT[micStatus]}
          {listening && speechActive ? ' · hearing speech' : ''}
          {vadStatus === 'loading' ? ' · loading the voice detector…' : ''}
        </p>
        {problem && (
          <p className="talk-problem" role="alert" data-testid="mic-problem">
            {micMessage}
          </p>
        )}
        {vadError && (
          <p className="talk-problem" role="alert" data-testid="vad-problem">
            {vadError}
          </p>
        )}
      </div>
    </section>
  );
}
