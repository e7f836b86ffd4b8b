import { useAppState, useAssistant } from './assistantContext';
import { TalkControl } from './TalkControl';
import { LevelMeter } from './LevelMeter';
import { StrategyCard } from './StrategyCard';
import { EnergyPlot } from './EnergyPlot';
import { TurnList } from './TurnList';
import { SettingsPanel } from './SettingsPanel';
import { LoadingPanel } from './LoadingPanel';
import { ConversationView } from './ConversationView';
import type { AppState } from '../state/store';
import { PlaybackHint } from './PlaybackHint';
import { StudyOpener } from './study/StudyOpener';
import { StudyPage } from './study/StudyPage';
import { OnDeviceIndicator } from './OnDeviceIndicator';

const inputLevel = (state: AppState) => state.inputLevelDb;
const outputLevel = (state: AppState) => state.outputLevelDb;

export function App() {
  const assistant = useAssistant();
  const studyOpen = useAppState((s) => s.study.phase !== 'closed');
  if (studyOpen) return <StudyPage />;
  return (
    <main className="app">
      <header>
        <h1>Empathetic voice assistant</h1>
        <p className="subtitle">Runs on this device: no audio or text leaves your browser.</p>
        <OnDeviceIndicator />
      </header>
      <TalkControl />
      <LevelMeter label="You" level={inputLevel} testId="input-meter" />
      <LevelMeter label="Voice" level={outputLevel} testId="output-meter" />
      <PlaybackHint />
      <ConversationView />
      <div className="grid">
        <StrategyCard />
        <EnergyPlot />
      </div>
      <TurnList />
      <LoadingPanel />
      <footer>
        <button type="button" onClick={assistant.startNewConversation} data-testid="new-conversation">
          New conversation
        </button>
        <SettingsPanel />
        <StudyOpener />
      </footer>
    </main>
  );
}
