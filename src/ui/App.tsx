import { TalkControl } from './TalkControl';
import { InputMeter } from './InputMeter';
import { StrategyCard } from './StrategyCard';
import { EnergyPlot } from './EnergyPlot';
import { TurnList } from './TurnList';
import { SettingsPanel } from './SettingsPanel';
import { LoadingPanel } from './LoadingPanel';
import { ConversationView } from './ConversationView';
import { startNewConversation } from '../session/listenSession';

export function App() {
  return (
    <main className="app">
      <header>
        <h1>Empathetic voice assistant</h1>
        <p className="subtitle">Runs on this device: no audio or text leaves your browser.</p>
      </header>
      <TalkControl />
      <InputMeter />
      <ConversationView />
      <div className="grid">
        <StrategyCard />
        <EnergyPlot />
      </div>
      <TurnList />
      <LoadingPanel />
      <footer>
        <button type="button" onClick={startNewConversation} data-testid="new-conversation">
          New conversation
        </button>
        <SettingsPanel />
      </footer>
    </main>
  );
}
