import { create } from 'zustand';
import { createDialogueSlice, type DialogueSlice } from './dialogueSlice';
import { createMicSlice, type MicSlice } from './micSlice';
import { createModelsSlice, type ModelsSlice } from './modelsSlice';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice';

export type AppState = MicSlice & DialogueSlice & SettingsSlice & ModelsSlice;

export const useStore = create<AppState>()((...a) => ({
  ...createMicSlice(...a),
  ...createDialogueSlice(...a),
  ...createSettingsSlice(...a),
  ...createModelsSlice(...a),
}));
