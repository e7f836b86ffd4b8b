import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudyFile, parseStudyFileText, StudyFileError } from './studyFile';
import { studyJsonSchemaText } from './studyJsonSchema';

const exampleText = readFileSync(join(process.cwd(), 'public/studies/example.json'), 'utf8');
const example = () => JSON.parse(exampleText) as Record<string, any>;

function errorOf(json: unknown): string {
  try {
    parseStudyFile(json);
  } catch (error) {
    expect(error).toBeInstanceOf(StudyFileError);
    return (error as Error).message;
  }
  throw new Error('expected parseStudyFile to throw');
}

describe('the example study file', () => {
  it('parses, with three conditions, counterbalanced, 3 turns and 300 s', () => {
    const study = parseStudyFileText(exampleText);
    expect(study.id).toBe('example-pilot');
    expect(study.conditions.map((c) => c.id)).toEqual(['es4r-text', 'es4r-speech', 'cascade']);
    expect(study.assignment).toEqual({ kind: 'counterbalanced' });
    expect(study.limits).toEqual({ maxTurns: 3, maxSeconds: 300 });
    expect(study.audioMayBeKept).toBe(true);
  });

  it('equals the committed JSON Schema generated from the zod schema', () => {
    const committed = readFileSync(join(process.cwd(), 'public/studies/study.schema.json'), 'utf8');
    expect(committed, 'run: npm run -s study:schema').toBe(studyJsonSchemaText());
  });
});

describe('bad study files', () => {
  it('names a missing field and a wrong schema version', () => {
    const json = example();
    delete json.consentText;
    json.schemaVersion = 2;
    const message = errorOf(json);
    expect(message).toMatch(/^invalid study file:/);
    expect(message).toContain('  consentText: ');
    expect(message).toContain('  schemaVersion: ');
  });

  it('rejects an unknown answer path and an unknown field, naming the condition', () => {
    const json = example();
    json.conditions[1].answerPath = 'telepathy';
    json.conditions[2].voice = 'loud';
    const message = errorOf(json);
    expect(message).toContain('conditions[1].answerPath:');
    expect(message).toMatch(/conditions\[2\]: Unrecognized key: "voice"/);
  });

  it('rejects speech-path switches on a text-path condition', () => {
    const json = example();
    json.conditions[0].dualAttention = false;
    expect(errorOf(json)).toContain('conditions[0]: dualAttention and crossAttention apply to the speech path only');
  });

  it('rejects duplicate condition ids and a fixed assignment to a missing condition', () => {
    const json = example();
    json.conditions[2].id = 'es4r-text';
    json.assignment = { kind: 'fixed', condition: 'placebo' };
    const message = errorOf(json);
    expect(message).toContain('conditions[2].id: duplicate condition id "es4r-text"');
    expect(message).toContain('assignment.condition: no condition "placebo" (conditions: es4r-text, es4r-speech)');
  });

  it('requires a limit, in range', () => {
    const none = example();
    none.limits = {};
    expect(errorOf(none)).toContain('limits: give maxTurns, maxSeconds or both');
    const zero = example();
    zero.limits = { maxTurns: 0 };
    expect(errorOf(zero)).toContain('limits.maxTurns:');
  });

  it('rejects an id that cannot name files, and an unknown assignment kind', () => {
    const json = example();
    json.id = '../pilot';
    json.assignment = { kind: 'alphabetical' };
    const message = errorOf(json);
    expect(message).toContain('id: must be 1-64 letters, digits, "_" or "-"');
    expect(message).toContain('assignment.kind:');
  });

  it('says when the text is not JSON at all', () => {
    expect(() => parseStudyFileText('<!doctype html>')).toThrow(/^the study file is not JSON: /);
  });
});
