import type { StateCreator } from 'zustand';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelsSlice {
  vadStatus: ModelStatus;
  /** The VAD's loading error, with the file and what to run. */
  vadError: string | null;
}

export const createModelsSlice: StateCreator<ModelsSlice, [], [], ModelsSlice> = () => ({
  vadStatus: 'idle',
  vadError: null,
});
