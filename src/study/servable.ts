// A condition the loaded pack cannot serve stops the study at hand-over: answering a speech-path condition with the
// text path would log data under the wrong condition without anyone noticing.
import type { SpeechPathState } from '../state/modelsSlice';
import type { StudyCondition } from './studyFile';

/** Null when `condition` can run on the loaded pack; otherwise what is missing and what the researcher can do. */
export function conditionProblem(condition: StudyCondition, pack: string | null, speechPath: SpeechPathState): string | null {
  if (condition.answerPath !== 'speech') return null;
  const packName = pack === null ? 'no model pack is loaded' : `the pack "${pack}"`;
  switch (speechPath.status) {
    case 'ready':
      return null;
    case 'absent':
      return `Condition "${condition.id}" needs ES4R's speech path, but ${packName} has no ES4R component (the es4r graphs and the speech LLM). Load a pack that has one, or remove the condition from the study file.`;
    case 'loading':
      return `Condition "${condition.id}" needs ES4R's speech path, which is still loading. Hand over once the Models panel shows it ready.`;
    case 'error':
      return `Condition "${condition.id}" needs ES4R's speech path, which failed to load${speechPath.detail ? ` (${speechPath.detail})` : ''}. Reload the page or load another pack.`;
  }
}
