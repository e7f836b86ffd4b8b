// A condition is a patch over the settings for one session; the values it replaced are restored after.
import type { Settings } from '../state/settingsSlice';
import type { StudyCondition } from './studyFile';

/** The settings a condition controls: the method's ablations. */
export type ConditionSettings = Pick<Settings, 'answerPath' | 'dualAttention' | 'crossAttention' | 'empatheticVoice' | 'affectCuesInPrompt'>;

/** The settings for a session in `condition`; the speech-path switches default to on (the full method). */
export function settingsForCondition(condition: StudyCondition): ConditionSettings {
  return {
    answerPath: condition.answerPath,
    dualAttention: condition.dualAttention ?? true,
    crossAttention: condition.crossAttention ?? true,
    empatheticVoice: condition.empatheticVoice,
    affectCuesInPrompt: condition.affectCuesInPrompt,
  };
}

/** The current values of the controlled settings: what to restore when the session ends. */
export function controlledSettings(settings: Settings): ConditionSettings {
  const { answerPath, dualAttention, crossAttention, empatheticVoice, affectCuesInPrompt } = settings;
  return { answerPath, dualAttention, crossAttention, empatheticVoice, affectCuesInPrompt };
}
