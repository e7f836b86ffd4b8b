import { strategyFor } from '../conversation/strategy';
import type { MicStatus } from './micSlice';
import type { TurnSummary } from './dialogueSlice';
import type { Settings } from './settingsSlice';
import { useStore, type AppState } from './store';

/** Strategy and Delta_e follow from the turns' energies and tau alone. */
function withStrategy(turns: TurnSummary[], tauDb: number): Pick<AppState, 'turns' | 'strategy' | 'deltaDb'> {
  const { strategy, deltaDb } = strategyFor(
    turns.map((turn) => turn.energyDb),
    tauDb,
  );
  return { turns, strategy, deltaDb };
}

export function turnFinished(turn: Omit<TurnSummary, 'number'>): void {
  useStore.setState((state) => {
    const turns = [...state.turns, { ...turn, number: state.turns.length + 1 }];
    return withStrategy(turns, state.settings.tauDb);
  });
}

export function misfireHeard(): void {
  useStore.setState((state) => ({ misfires: state.misfires + 1 }));
}

export function newConversation(): void {
  useStore.setState((state) => ({ ...withStrategy([], state.settings.tauDb), misfires: 0 }));
}

export function updateSettings(patch: Partial<Settings>): void {
  useStore.setState((state) => {
    const settings = { ...state.settings, ...patch, processing: { ...state.settings.processing, ...patch.processing } };
    return { settings, ...withStrategy(state.turns, settings.tauDb) };
  });
}

export function micStatusChanged(micStatus: MicStatus, micMessage: string | null = null): void {
  useStore.setState({ micStatus, micMessage });
}

export function inputLevelMeasured(inputLevelDb: number): void {
  useStore.setState({ inputLevelDb });
}

export function speechActivityChanged(speechActive: boolean): void {
  useStore.setState({ speechActive });
}

export function vadStatusChanged(vadStatus: AppState['vadStatus'], vadError: string | null = null): void {
  useStore.setState({ vadStatus, vadError });
}
