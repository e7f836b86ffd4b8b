import { useAppState, useAssistant } from '../assistantContext';
import { useState } from 'react';
import { assignCondition } from '../../study/assignment';
import { participantIdProblem } from '../../study/participantId';
import type { StudyFile } from '../../study/studyFile';
import { LoadingPanel } from '../LoadingPanel';
import { downloadFile } from './downloadFile';

function StudySummary({ file }: { file: StudyFile }) {
  const { limits, assignment } = file;
  return (
    <>
      <table data-testid="study-conditions">
        <thead>
          <tr>
            <th>Condition</th>
            <th>Answer path</th>
            <th>Voice</th>
            <th>Affect cues in prompt</th>
          </tr>
        </thead>
        <tbody>
          {file.conditions.map((c) => (
            <tr key={c.id}>
              <td>
                {c.id}
                {c.label ? <span className="note"> — {c.label}</span> : null}
              </td>
              <td>
                {c.answerPath}
                {c.answerPath === 'speech' ? ` (dual attention ${c.dualAttention === false ? 'off' : 'on'}, cross-attention ${c.crossAttention === false ? 'off' : 'on'})` : ''}
              </td>
              <td>{c.empatheticVoice ? 'empathetic (strategy presets)' : 'neutral'}</td>
              <td>{c.affectCuesInPrompt ? 'on' : 'off'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="note">
        Assignment: {assignment.kind === 'fixed' ? `fixed (${assignment.condition})` : assignment.kind}. Limits:{' '}
        {[limits.maxTurns !== undefined ? `${limits.maxTurns} turns` : null, limits.maxSeconds !== undefined ? `${limits.maxSeconds} s` : null].filter(Boolean).join(', ')}.
        Audio: {file.audioMayBeKept ? 'kept when the participant agrees' : 'never kept'}.
      </p>
    </>
  );
}

/** Where the researcher opens a study, sets up a participant, and exports or wipes the log between sessions. */
export function ResearcherView() {
  const { study: runner } = useAssistant();
  const study = useAppState((s) => s.study);
  const [confirmingWipe, setConfirmingWipe] = useState(false);
  const { file, participantId, logged } = study;
  const idProblem = participantIdProblem(participantId);
  const preview = file && idProblem === null && file.assignment.kind !== 'random' ? assignCondition(file, participantId, 0) : null;
  return (
    <>
      <section className="study-setup" aria-labelledby="study-title" data-testid="study-setup">
        <h2 id="study-title">{file ? `Study: ${file.title}` : 'Study mode'}</h2>
        {study.source && <p className="note">File: {study.source}</p>}
        {study.loadError && (
          <p className="talk-problem" role="alert" data-testid="study-load-error">
            {study.loadError}
          </p>
        )}
        {!file && (
          <label>
            Open another study file{' '}
            <input type="file" accept="application/json,.json" onChange={(e) => e.target.files?.[0] && void runner.openFromFile(e.target.files[0])} />
          </label>
        )}
        {file && <StudySummary file={file} />}
      </section>
      {file && (
        <section className="study-participant" aria-label="Participant">
          <label>
            Participant id{' '}
            <input value={participantId} onChange={(e) => runner.participantIdEntered(e.target.value.trim())} data-testid="participant-id" />
          </label>{' '}
          <button type="button" onClick={() => runner.generateParticipantId()} data-testid="generate-participant-id">
            Next free id
          </button>
          <p className="note" data-testid="assignment-preview">
            {idProblem ?? (preview ? `Condition: ${preview.condition.id} (${preview.rule})` : 'Condition: drawn at random when the session starts')}
          </p>
          <button type="button" disabled={idProblem !== null} onClick={() => runner.showConsent()} data-testid="start-participant">
            Hand over: show the consent screen
          </button>
          {study.handOverProblem && (
            <p className="talk-problem" role="alert" data-testid="study-handover-problem">
              {study.handOverProblem}
            </p>
          )}
        </section>
      )}
      {file && (
        <section className="study-log" aria-label="Study log">
          <h2>Log on this device</h2>
          <p data-testid="study-logged" data-sessions={logged.sessions} data-turns={logged.turns}>
            {logged.sessions} session(s), {logged.turns} turn(s), {logged.audioTurns} with audio
            {logged.participantIds.length > 0 ? ` · participants ${logged.participantIds.join(', ')}` : ''}
          </p>
          <div className="study-actions">
            <button type="button" onClick={() => void runner.exportLog('study').then(downloadFile)} data-testid="export-log">
              Export the log (one file)
            </button>
            {!confirmingWipe && (
              <button type="button" onClick={() => setConfirmingWipe(true)} data-testid="wipe-log">
                Wipe the log…
              </button>
            )}
          </div>
          {confirmingWipe && (
            <div className="study-confirm" role="alertdialog" aria-labelledby="wipe-question">
              <p id="wipe-question">
                Delete all {logged.sessions} session(s) of "{file.id}" from this device? Export first: this cannot be undone.
              </p>
              <button
                type="button"
                onClick={() => {
                  setConfirmingWipe(false);
                  void runner.wipeLog();
                }}
                data-testid="wipe-confirm"
              >
                Delete the log
              </button>{' '}
              <button type="button" onClick={() => setConfirmingWipe(false)} data-testid="wipe-cancel">
                Keep it
              </button>
            </div>
          )}
          {study.lastAction && (
            <p className="note" role="status" data-testid="study-last-action">
              {study.lastAction}
            </p>
          )}
        </section>
      )}
      <LoadingPanel />
      <button type="button" className="study-quiet" onClick={() => runner.close()} data-testid="close-study">
        Leave study mode
      </button>
    </>
  );
}
