import { useAppState, useAssistant } from '../assistantContext';
import { downloadFile } from './downloadFile';

/** The study's closing words; the participant may take a copy of their own session. */
export function EndView() {
  const { study } = useAssistant();
  const file = useAppState((s) => s.study.file);
  const lastAction = useAppState((s) => s.study.lastAction);
  if (!file) return null;
  return (
    <section className="study-end" data-testid="end-screen">
      {file.endText.map((paragraph, i) => (
        <p key={i}>{paragraph}</p>
      ))}
      <div className="study-actions">
        <button type="button" onClick={() => void study.exportLog('lastSession').then(downloadFile)} data-testid="export-session">
          Download a copy of this session's log
        </button>
        <button type="button" className="study-quiet" onClick={() => study.backToSetup()} data-testid="back-to-setup">
          Researcher: next participant
        </button>
      </div>
      {lastAction && (
        <p className="note" role="status" data-testid="study-last-action">
          {lastAction}
        </p>
      )}
    </section>
  );
}
