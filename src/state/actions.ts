import { strategyFor } from '../conversation/strategy';
import type { MicStatus } from './micSlice';
import type { ComponentLoad, FileLoad, ModelRole, SpeechPathState } from './modelsSlice';
import type { SpokenSpan } from './speechSlice';
import type { GpuInfo } from '../models/device/gpuInfo';
import { newDialogue, type Dialogue } from '../conversation/dialogue';
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
  useStore.setState((state) => ({ ...withStrategy([], state.settings.tauDb), misfires: 0, dialogue: newDialogue(), conversationNotice: null, replyTimingsMs: {}, turnTimingsMs: {} }));
}

export function updateSettings(patch: Partial<Settings>): void {
  useStore.setState((state) => {
    const settings = { ...state.settings, ...patch, processing: { ...state.settings.processing, ...patch.processing }, cues: { ...state.settings.cues, ...patch.cues } };
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

export function packProbed(pack: AppState['pack']): void {
  useStore.setState({ pack });
}

export function componentChanged(role: ModelRole, patch: Partial<ComponentLoad> & { modelId: string }): void {
  useStore.setState((state) => {
    const previous = state.components[role];
    const base: ComponentLoad = previous?.modelId === patch.modelId ? previous : { modelId: patch.modelId, status: 'idle', files: {} };
    return { components: { ...state.components, [role]: { ...base, ...patch } } };
  });
}

export function componentFileProgress(role: ModelRole, file: string, progress: FileLoad): void {
  useStore.setState((state) => {
    const component = state.components[role];
    if (!component) return {};
    return { components: { ...state.components, [role]: { ...component, files: { ...component.files, [file]: progress } } } };
  });
}

export function gpuDetected(gpu: GpuInfo | null): void {
  useStore.setState({ gpu });
}

export function dialogueChanged(dialogue: Dialogue): void {
  useStore.setState({ dialogue });
}

export function transcribingChanged(transcribing: boolean): void {
  useStore.setState({ transcribing });
}

export function conversationNoticeChanged(conversationNotice: string | null): void {
  useStore.setState({ conversationNotice });
}

export function turnTimed(userTurnId: number, timingsMs: Record<string, number>): void {
  useStore.setState((state) => ({ turnTimingsMs: { ...state.turnTimingsMs, [userTurnId]: timingsMs } }));
}

/** Merges, so a later barge-in on a finished reply (which reports no timings) keeps the ones it had. */
export function replyTimed(replyId: number, timingsMs: Record<string, number>): void {
  useStore.setState((state) => ({ replyTimingsMs: { ...state.replyTimingsMs, [replyId]: { ...state.replyTimingsMs[replyId], ...timingsMs } } }));
}

export function speakingChanged(speaking: SpokenSpan | null): void {
  useStore.setState({ speaking });
}

export function outputLevelMeasured(outputLevelDb: number): void {
  useStore.setState({ outputLevelDb });
}

export function playbackSuspendedChanged(playbackSuspended: boolean): void {
  useStore.setState({ playbackSuspended });
}

export function voiceChosen(voice: AppState['voice']): void {
  useStore.setState({ voice });
}

export function firstAudioTimed(lastTtfaMs: number): void {
  useStore.setState({ lastTtfaMs });
}

export function bargeInTimed(lastBargeInStopMs: number): void {
  useStore.setState({ lastBargeInStopMs });
}

export function speechPathChanged(speechPath: SpeechPathState): void {
  useStore.setState({ speechPath });
}

export function packOfflineChanged(packOffline: boolean): void {
  useStore.setState({ packOffline });
}
