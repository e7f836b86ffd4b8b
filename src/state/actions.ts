import { strategyFor } from '../conversation/strategy';
import type { MicStatus } from './micSlice';
import type { ComponentLoad, FileLoad, ModelRole, SpeechPathState } from './modelsSlice';
import type { SpokenSpan } from './speechSlice';
import type { GpuInfo } from '../models/device/gpuInfo';
import { newDialogue, type Dialogue } from '../conversation/dialogue';
import type { TurnSummary } from './dialogueSlice';
import type { Settings } from './settingsSlice';
import type { AppState, AppStore } from './store';
import type { StudyState } from './studySlice';

/** Strategy and Delta_e follow from the turns' energies and tau alone. */
function withStrategy(turns: TurnSummary[], tauDb: number): Pick<AppState, 'turns' | 'strategy' | 'deltaDb'> {
  const { strategy, deltaDb } = strategyFor(
    turns.map((turn) => turn.energyDb),
    tauDb,
  );
  return { turns, strategy, deltaDb };
}

/** The state changes the app makes, bound to one store: the page's, or a test's. */
export function createActions(store: AppStore) {
  return {
    turnFinished(turn: Omit<TurnSummary, 'number'>): void {
      store.setState((state) => {
        const turns = [...state.turns, { ...turn, number: state.turns.length + 1 }];
        return withStrategy(turns, state.settings.tauDb);
      });
    },

    misfireHeard(): void {
      store.setState((state) => ({ misfires: state.misfires + 1 }));
    },

    newConversation(): void {
      store.setState((state) => ({ ...withStrategy([], state.settings.tauDb), misfires: 0, dialogue: newDialogue(), conversationNotice: null, replyTimingsMs: {}, turnTimingsMs: {} }));
    },

    updateSettings(patch: Partial<Settings>): void {
      store.setState((state) => {
        const settings = { ...state.settings, ...patch, processing: { ...state.settings.processing, ...patch.processing }, cues: { ...state.settings.cues, ...patch.cues } };
        return { settings, ...withStrategy(state.turns, settings.tauDb) };
      });
    },

    micStatusChanged(micStatus: MicStatus, micMessage: string | null = null): void {
      store.setState({ micStatus, micMessage });
    },

    inputLevelMeasured(inputLevelDb: number): void {
      store.setState({ inputLevelDb });
    },

    speechActivityChanged(speechActive: boolean): void {
      store.setState({ speechActive });
    },

    vadStatusChanged(vadStatus: AppState['vadStatus'], vadError: string | null = null): void {
      store.setState({ vadStatus, vadError });
    },

    packProbed(pack: AppState['pack']): void {
      store.setState({ pack });
    },

    componentChanged(role: ModelRole, patch: Partial<ComponentLoad> & { modelId: string }): void {
      store.setState((state) => {
        const previous = state.components[role];
        const base: ComponentLoad = previous?.modelId === patch.modelId ? previous : { modelId: patch.modelId, status: 'idle', files: {} };
        return { components: { ...state.components, [role]: { ...base, ...patch } } };
      });
    },

    componentFileProgress(role: ModelRole, file: string, progress: FileLoad): void {
      store.setState((state) => {
        const component = state.components[role];
        if (!component) return {};
        return { components: { ...state.components, [role]: { ...component, files: { ...component.files, [file]: progress } } } };
      });
    },

    gpuDetected(gpu: GpuInfo | null): void {
      store.setState({ gpu });
    },

    dialogueChanged(dialogue: Dialogue): void {
      store.setState({ dialogue });
    },

    transcribingChanged(transcribing: boolean): void {
      store.setState({ transcribing });
    },

    conversationNoticeChanged(conversationNotice: string | null): void {
      store.setState({ conversationNotice });
    },

    turnTimed(userTurnId: number, timingsMs: Record<string, number>): void {
      store.setState((state) => ({ turnTimingsMs: { ...state.turnTimingsMs, [userTurnId]: timingsMs } }));
    },

    /** Merges, so a later barge-in on a finished reply (which reports no timings) keeps the ones it had. */
    replyTimed(replyId: number, timingsMs: Record<string, number>): void {
      store.setState((state) => ({ replyTimingsMs: { ...state.replyTimingsMs, [replyId]: { ...state.replyTimingsMs[replyId], ...timingsMs } } }));
    },

    speakingChanged(speaking: SpokenSpan | null): void {
      store.setState({ speaking });
    },

    outputLevelMeasured(outputLevelDb: number): void {
      store.setState({ outputLevelDb });
    },

    playbackSuspendedChanged(playbackSuspended: boolean): void {
      store.setState({ playbackSuspended });
    },

    voiceChosen(voice: AppState['voice']): void {
      store.setState({ voice });
    },

    firstAudioTimed(lastTtfaMs: number): void {
      store.setState({ lastTtfaMs });
    },

    bargeInTimed(lastBargeInStopMs: number): void {
      store.setState({ lastBargeInStopMs });
    },

    speechPathChanged(speechPath: SpeechPathState): void {
      store.setState({ speechPath });
    },

    packOfflineChanged(packOffline: boolean): void {
      store.setState({ packOffline });
    },

    studyChanged(patch: Partial<StudyState>): void {
      store.setState((state) => ({ study: { ...state.study, ...patch } }));
    },

    echoCancellationGranted(echoCancellation: AppState['echoCancellation']): void {
      store.setState({ echoCancellation });
    },
  };
}

export type Actions = ReturnType<typeof createActions>;
