import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Assistant } from '../assistant/createAssistant';
import type { AppState } from '../state/store';

const AssistantContext = createContext<Assistant | null>(null);

/** Gives the components the assistant main.tsx built: they read its store and call its parts, never a model or an AudioContext. */
export function AssistantProvider({ assistant, children }: { assistant: Assistant; children: ReactNode }) {
  return <AssistantContext.Provider value={assistant}>{children}</AssistantContext.Provider>;
}

export function useAssistant(): Assistant {
  const assistant = useContext(AssistantContext);
  if (!assistant) throw new Error('a component that needs the assistant was rendered outside <AssistantProvider>');
  return assistant;
}

/** A slice of the app's state; the component re-renders when it changes. */
export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useAssistant().store, selector);
}
