import { createStore, type StoreApi } from 'zustand/vanilla';
import { createJSONStorage, persist } from 'zustand/middleware';
import { createConversationSlice, type ConversationSlice } from './conversationSlice';
import { createDialogueSlice, type DialogueSlice } from './dialogueSlice';
import { skippingUnchangedWrites, type KeyValueStorage } from './keyValueStorage';
import { createMicSlice, type MicSlice } from './micSlice';
import { createModelsSlice, type ModelsSlice } from './modelsSlice';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice';
import { SETTINGS_STORAGE_KEY, SETTINGS_VERSION } from './settingsStorage';
import { createSpeechSlice, type SpeechSlice } from './speechSlice';
import { createStudySlice, type StudySlice } from './studySlice';

export type AppState = MicSlice & DialogueSlice & SettingsSlice & ModelsSlice & ConversationSlice & SpeechSlice & StudySlice;

export type AppStore = StoreApi<AppState>;

/** The app's state; the user's settings outlive a reload in `storage` (the page's localStorage, or a test's map). */
export function createAppStore(storage: KeyValueStorage): AppStore {
  return createStore<AppState>()(
    persist(
      (...a) => ({
        ...createMicSlice(...a),
        ...createDialogueSlice(...a),
        ...createSettingsSlice(...a),
        ...createModelsSlice(...a),
        ...createConversationSlice(...a),
        ...createSpeechSlice(...a),
        ...createStudySlice(...a),
      }),
      {
        name: SETTINGS_STORAGE_KEY,
        version: SETTINGS_VERSION,
        storage: createJSONStorage(() => skippingUnchangedWrites(storage)),
        // Only the user's settings outlive a reload.
        partialize: (state) => ({ settings: state.settings }),
        // Settings saved by an older build keep their values; new fields take their defaults.
        merge: (saved, current) => ({ ...current, settings: { ...current.settings, ...(saved as Partial<SettingsSlice> | undefined)?.settings } }),
      },
    ),
  );
}
