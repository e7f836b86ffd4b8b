// The study file (e.g. public/studies/example.json): schema, types and the parser with specific messages.
// Shared by the page and the Node scripts, so nothing here may import Node modules.
import { z } from 'zod';
import { parseOrThrow } from '../schemaIssues';

const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, "_" or "-", starting with a letter or digit');

/** One arm of the study: the method's ablations, applied to the settings for the session and restored after. */
export const conditionSchema = z
  .object({
    id: idSchema,
    label: z.string().min(1).optional().describe('a name for the researcher; participants never see it'),
    answerPath: z.enum(['text', 'speech']).describe('text: transcript with affect cues; speech: the user\'s speech itself (ES4R Stages 1-2)'),
    dualAttention: z.boolean().optional().describe('speech path only: dual-level affective attention before Whisper (default true)'),
    crossAttention: z.boolean().optional().describe('speech path only: cross-attention over the text history (default true)'),
    empatheticVoice: z.boolean().describe('true: the voice preset of the strategy (comfort / encourage / neutral); false: always the neutral voice'),
    affectCuesInPrompt: z.boolean().describe('false: a plain ASR + LLM cascade'),
  })
  .strict()
  .refine((condition) => condition.answerPath === 'speech' || (condition.dualAttention === undefined && condition.crossAttention === undefined), {
    message: 'dualAttention and crossAttention apply to the speech path only: remove them or set answerPath to "speech"',
  })
  .meta({ id: 'Condition' });

export const assignmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), condition: idSchema.describe('the id of the condition every participant gets') }).strict(),
  z.object({ kind: z.literal('random') }).strict().describe('drawn once per session, uniformly'),
  z.object({ kind: z.literal('counterbalanced') }).strict().describe('by participant id: the number in the id, else a hash of it, modulo the number of conditions'),
]).meta({ id: 'Assignment' });

export const limitsSchema = z
  .object({
    maxTurns: z.number().int().min(1).max(500).optional().describe('user turns; the conversation ends after the reply to the last one'),
    maxSeconds: z.number().int().min(10).max(7200).optional().describe('from the start of the conversation'),
  })
  .strict()
  .refine((limits) => limits.maxTurns !== undefined || limits.maxSeconds !== undefined, { message: 'give maxTurns, maxSeconds or both' })
  .meta({ id: 'Limits' });

export const studyFileSchema = z
  .object({
    $schema: z.string().optional().describe('"./study.schema.json", for editors'),
    schemaVersion: z.literal(1),
    id: idSchema.describe('names the log: sessions, export and wipe belong to this id'),
    title: z.string().min(1),
    consentText: z.array(z.string().min(1)).min(1).describe('paragraphs of the consent screen'),
    conditions: z.array(conditionSchema).min(1),
    assignment: assignmentSchema,
    limits: limitsSchema,
    audioMayBeKept: z.boolean().describe("true: the consent screen offers to keep the turns' audio (16 kHz WAV); the participant must agree too"),
    endText: z.array(z.string().min(1)).min(1).describe('paragraphs of the end screen'),
  })
  .strict()
  .superRefine((study, context) => {
    const seen = new Set<string>();
    study.conditions.forEach((condition, index) => {
      if (seen.has(condition.id)) context.addIssue({ code: 'custom', path: ['conditions', index, 'id'], message: `duplicate condition id "${condition.id}"` });
      seen.add(condition.id);
    });
    if (study.assignment.kind === 'fixed' && !seen.has(study.assignment.condition)) {
      context.addIssue({
        code: 'custom',
        path: ['assignment', 'condition'],
        message: `no condition "${study.assignment.condition}" (conditions: ${[...seen].join(', ')})`,
      });
    }
  });

export type StudyCondition = z.infer<typeof conditionSchema>;
export type StudyAssignment = z.infer<typeof assignmentSchema>;
export type StudyLimits = z.infer<typeof limitsSchema>;
export type StudyFile = z.infer<typeof studyFileSchema>;

export class StudyFileError extends Error {
  override readonly name = 'StudyFileError';
}

/** Validates a parsed study file; the error lists one "path: problem" line per issue. */
export function parseStudyFile(json: unknown): StudyFile {
  return parseOrThrow(studyFileSchema, json, (issues) => new StudyFileError(`invalid study file:\n${issues}`));
}

/** Parses the file's text; a JSON syntax error is reported as such, not as a schema problem. */
export function parseStudyFileText(text: string): StudyFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StudyFileError(`the study file is not JSON: ${(error as Error).message}`);
  }
  return parseStudyFile(json);
}
