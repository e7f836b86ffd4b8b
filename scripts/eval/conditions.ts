// The conditions an evaluation compares: from the command line's flags, or a study file's conditions.
import { ALL_CUES_ON } from '../../src/conversation/affectCues';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_MAX_PROMPT_TOKENS, type ReplySettings } from '../../src/conversation/conversation';
import { DEFAULT_TAU_DB } from '../../src/conversation/strategy';
import type { StudyCondition } from '../../src/study/studyFile';
import { CliError, EXIT_BAD_INPUT } from '../cli/cliError';

export interface EvalCondition {
  name: string;
  settings: ReplySettings;
}

export interface ConditionFlags {
  /** "speech", "text" or both comma-separated; undefined: both when the pack has the speech path, else text. */
  path: string | undefined;
  noDualAttention: boolean;
  noCrossAttention: boolean;
  noAffectCues: boolean;
}

/** The speech path's components a pack lacks (empty when it can answer through the speech path). */
export type MissingSpeechComponents = readonly string[];

/** What converse uses: the page's defaults. */
const BASE_SETTINGS: ReplySettings = {
  cues: ALL_CUES_ON,
  affectCuesInPrompt: true,
  tauDb: DEFAULT_TAU_DB,
  maxNewTokens: DEFAULT_MAX_NEW_TOKENS,
  maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS,
  answerPath: 'text',
  dualAttention: true,
  crossAttention: true,
};

function unservable(name: string, pack: string, missing: MissingSpeechComponents): CliError {
  return new CliError(`condition "${name}" asks for the speech path, but the "${pack}" pack has no ${missing.join(' and no ')} component; drop the condition or use a pack with ES4R's speech path`, EXIT_BAD_INPUT);
}

export function conditionsFromFlags(flags: ConditionFlags, pack: string, missing: MissingSpeechComponents): EvalCondition[] {
  const paths = flags.path === undefined ? (missing.length === 0 ? ['speech', 'text'] : ['text']) : flags.path.split(',').map((p) => p.trim());
  const bad = paths.find((p) => p !== 'speech' && p !== 'text');
  if (bad !== undefined || paths.length === 0) throw new CliError(`--path takes speech, text or speech,text; got "${flags.path}"`, EXIT_BAD_INPUT);
  if (!paths.includes('speech') && (flags.noDualAttention || flags.noCrossAttention)) {
    throw new CliError('--no-dual-attention and --no-cross-attention are ablations of the speech path; they need it among --path', EXIT_BAD_INPUT);
  }
  return [...new Set(paths)].map((path) => {
    const ablations = [
      ...(path === 'speech' && flags.noDualAttention ? ['no-dual-attention'] : []),
      ...(path === 'speech' && flags.noCrossAttention ? ['no-cross-attention'] : []),
      ...(flags.noAffectCues ? ['no-affect-cues'] : []),
    ];
    const name = [path, ...ablations].join('+');
    if (path === 'speech' && missing.length > 0) throw unservable(name, pack, missing);
    const settings: ReplySettings = {
      ...BASE_SETTINGS,
      answerPath: path as 'speech' | 'text',
      affectCuesInPrompt: !flags.noAffectCues,
      dualAttention: !(path === 'speech' && flags.noDualAttention),
      crossAttention: !(path === 'speech' && flags.noCrossAttention),
    };
    return { name, settings };
  });
}

/** A study's conditions as the page applies them (the voice switch aside: eval speaks nothing). */
export function conditionsFromStudy(conditions: readonly StudyCondition[], pack: string, missing: MissingSpeechComponents): EvalCondition[] {
  return conditions.map((condition) => {
    if (condition.answerPath === 'speech' && missing.length > 0) throw unservable(condition.id, pack, missing);
    return {
      name: condition.id,
      settings: {
        ...BASE_SETTINGS,
        answerPath: condition.answerPath === 'speech' ? 'speech' : condition.answerPath === 'text' || missing.length > 0 ? 'text' : 'speech',
        affectCuesInPrompt: condition.affectCuesInPrompt,
        dualAttention: condition.dualAttention ?? true,
        crossAttention: condition.crossAttention ?? true,
      },
    };
  });
}
