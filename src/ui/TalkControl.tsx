import { useEffect, useMemo } from 'react';
import { useAppState, useAssistant } from './assistantContext';
import type { MicStatus } from '../state/micSlice';
import { isPushToTalkKey, PUSH_TO_TALK_CODE, PushToTalk } from './pushToTalk';
import { keepConversationAcrossVisibility } from './keepAcrossVisibility';

/** Hold Space anywhere on the page except in a field or on a control, where Space has its own meaning. */
function usePushToTalkKey(pushToTalk: PushToTalk): void {
  useEffect(() => {
    const focused = () => (document.activeElement instanceof HTMLElement ? document.activeElement : null);
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isPushToTalkKey(event, focused())) return;
      // Space would scroll the page.
      event.preventDefault();
      if (!event.repeat) void pushToTalk.press();
    };
    const onKeyUp = (event: KeyboardEvent) => {
      if (event.code !== PUSH_TO_TALK_CODE || !pushToTalk.isHeld) return;
      event.preventDefault();
      void pushToTalk.release();
    };
    // A key released in another window never reaches us: losing focus counts as a release.
    const onBlur = () => void pushToTalk.release();
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, [pushToTalk]);
}

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
  const { store, listening: microphone, resumeAudio } = useAssistant();
  const pushToTalk = useMemo(() => new PushToTalk({ status: () => store.getState().micStatus, start: () => microphone.start(), stop: () => microphone.stop() }), [store, microphone]);
  const micStatus = useAppState((s) => s.micStatus);
  const micMessage = useAppState((s) => s.micMessage);
  const speechActive = useAppState((s) => s.speechActive);
  const vadStatus = useAppState((s) => s.vadStatus);
  const vadError = useAppState((s) => s.vadError);
  const listening = micStatus === 'listening';
  const busy = micStatus === 'starting' || micStatus === 'stopping';
  const problem = micMessage !== null;
  usePushToTalkKey(pushToTalk);
  // The talk control lives as long as the page: it owns what must survive hiding and showing the page.
  useEffect(() => keepConversationAcrossVisibility(document, resumeAudio), [resumeAudio]);

  return (
    <section className="talk" aria-label="Microphone">
      <button
        type="button"
        className={`talk-button${listening ? ' is-on' : ''}${speechActive ? ' is-speech' : ''}`}
        onClick={() => {
          if (!busy) void (listening ? microphone.stop() : microphone.start());
        }}
        // aria-disabled, not disabled: a disabled button drops the keyboard focus while the microphone opens.
        aria-disabled={busy}
        aria-pressed={listening}
        aria-describedby="talk-modes"
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
      <p className="note talk-modes" id="talk-modes" data-testid="talk-modes">
        Hands-free: press Talk (or Tab to it and press Enter) once, speak, and pause to end each turn. Push-to-talk: hold
        Space while the page has focus (not in a field or on a button), release to end the turn.
      </p>
    </section>
  );
}
