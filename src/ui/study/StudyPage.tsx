import { useAppState } from '../assistantContext';
import { OnDeviceIndicator } from '../OnDeviceIndicator';
import { ConsentView } from './ConsentView';
import { EndView } from './EndView';
import { ResearcherView } from './ResearcherView';
import { StorageNotice } from './StorageNotice';
import { StudyConversation } from './StudyConversation';
import './study.css';

/** Study mode replaces the page: the researcher's set-up, then the participant's consent, conversation and end screen. */
export function StudyPage() {
  const phase = useAppState((s) => s.study.phase);
  return (
    <main className="app study" data-testid="study-page" data-phase={phase}>
      <header>
        <h1>Empathetic voice assistant · study</h1>
        <p className="subtitle">Runs on this device: the study log stays in this browser until it is exported.</p>
        <OnDeviceIndicator />
      </header>
      <StorageNotice />
      {phase === 'setup' && <ResearcherView />}
      {phase === 'consent' && <ConsentView />}
      {(phase === 'conversation' || phase === 'ending') && <StudyConversation />}
      {phase === 'ended' && <EndView />}
    </main>
  );
}
