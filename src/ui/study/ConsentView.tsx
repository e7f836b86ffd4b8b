import { useAppState, useAssistant } from '../assistantContext';
import { useState } from 'react';

/** The consent text; keeping the audio is offered only when the study allows it, and is the participant's own choice. */
export function ConsentView() {
  const { study } = useAssistant();
  const file = useAppState((s) => s.study.file);
  const [agreed, setAgreed] = useState(false);
  const [keepAudio, setKeepAudio] = useState(false);
  if (!file) return null;
  return (
    <section className="study-consent" aria-labelledby="consent-title" data-testid="consent">
      <h2 id="consent-title">{file.title}</h2>
      {file.consentText.map((paragraph, i) => (
        <p key={i}>{paragraph}</p>
      ))}
      <label className="checkbox">
        <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} data-testid="consent-agree" />
        I have read this and agree to take part.
      </label>
      {file.audioMayBeKept && (
        <label className="checkbox">
          <input type="checkbox" checked={keepAudio} onChange={(e) => setKeepAudio(e.target.checked)} data-testid="consent-audio" />
          Also keep recordings of my voice (the audio of each of my turns) in the study log. This is optional.
        </label>
      )}
      <div className="study-actions">
        <button type="button" disabled={!agreed} onClick={() => study.startConversation(keepAudio)} data-testid="consent-start">
          Start the conversation
        </button>
        <button type="button" onClick={() => study.declineConsent()} data-testid="consent-decline">
          I do not agree
        </button>
      </div>
    </section>
  );
}
