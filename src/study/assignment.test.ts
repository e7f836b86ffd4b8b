import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignCondition, counterbalancedIndex, fnv1a32 } from './assignment';
import { controlledSettings, settingsForCondition } from './conditionSettings';
import { nextParticipantId, participantIdProblem } from './participantId';
import { parseStudyFile, type StudyFile } from './studyFile';
import { createSettingsSlice } from '../state/settingsSlice';

const example = parseStudyFile(JSON.parse(readFileSync(join(process.cwd(), 'public/studies/example.json'), 'utf8')));
const withAssignment = (assignment: StudyFile['assignment']): StudyFile => ({ ...example, assignment });

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('counterbalanced assignment', () => {
  it('cycles P001, P002, P003, ... through the conditions in file order', () => {
    const ids = ['P001', 'P002', 'P003', 'P004', 'P005', 'P006'];
    expect(ids.map((id) => assignCondition(example, id, 0.99).condition.id)).toEqual(['es4r-text', 'es4r-speech', 'cascade', 'es4r-text', 'es4r-speech', 'cascade']);
  });

  it('uses the last number in the id and says so', () => {
    expect(assignCondition(example, 'site2-p5', 0).rule).toBe('counterbalanced: participant number 5 -> condition 2 of 3');
    expect(counterbalancedIndex('P0', 3).index).toBe(2);
  });

  it('every block of k consecutive numbers sees each condition exactly once', () => {
    for (let start = 1; start < 40; start += 7) {
      const block = [0, 1, 2, 3].map((i) => counterbalancedIndex(`P${start + i}`, 4).index);
      expect([...block].sort()).toEqual([0, 1, 2, 3]);
    }
  });

  it('falls back to FNV-1a mod k for ids without a number, deterministically', () => {
    const { index, basis } = counterbalancedIndex('alice', 3);
    expect(index).toBe(fnv1a32('alice') % 3);
    expect(basis).toBe('FNV-1a hash of "alice"');
    expect(assignCondition(example, 'alice', 0.5)).toEqual(assignCondition(example, 'alice', 0.1));
  });
});

describe('fixed and random assignment', () => {
  it('fixed gives the named condition whatever the id', () => {
    const study = withAssignment({ kind: 'fixed', condition: 'cascade' });
    expect(assignCondition(study, 'P001', 0).condition.id).toBe('cascade');
    expect(assignCondition(study, 'P002', 0.7).condition.id).toBe('cascade');
  });

  it('random maps the draw onto equal thirds', () => {
    const study = withAssignment({ kind: 'random' });
    expect([0, 0.333, 0.334, 0.666, 0.667, 0.999].map((draw) => assignCondition(study, 'P001', draw).condition.id)).toEqual([
      'es4r-text',
      'es4r-text',
      'es4r-speech',
      'es4r-speech',
      'cascade',
      'cascade',
    ]);
    expect(() => assignCondition(study, 'P001', 1)).toThrow(/draw must lie in \[0, 1\)/);
  });
});

describe('participant ids', () => {
  it('numbers on from the highest P-number in the log', () => {
    expect(nextParticipantId([])).toBe('P001');
    expect(nextParticipantId(['P002', 'alice', 'P010', 'P7x'])).toBe('P011');
  });

  it('rejects ids that are empty or unsafe in file names', () => {
    expect(participantIdProblem('P001')).toBeNull();
    expect(participantIdProblem('')).toMatch(/Enter a participant id/);
    expect(participantIdProblem('../x')).toMatch(/1-64 letters/);
  });
});

describe('condition settings', () => {
  it('set the ablations, speech switches defaulting to on, and the previous values can be restored', () => {
    const defaults = (createSettingsSlice as unknown as () => { settings: Parameters<typeof controlledSettings>[0] })().settings;
    const cascade = settingsForCondition(example.conditions[2]!);
    expect(cascade).toEqual({ answerPath: 'text', dualAttention: true, crossAttention: true, empatheticVoice: false, affectCuesInPrompt: false });
    const before = controlledSettings(defaults);
    const during = { ...defaults, ...cascade };
    expect({ ...during, ...before }).toEqual(defaults);
  });
});
