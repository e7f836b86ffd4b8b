import type { StudyState } from './studySlice';
import { useStore } from './store';

export function studyChanged(patch: Partial<StudyState>): void {
  useStore.setState((state) => ({ study: { ...state.study, ...patch } }));
}
