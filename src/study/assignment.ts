// Which condition a participant gets: pure and deterministic given the study, the id and (for random) one draw.
import type { StudyCondition, StudyFile } from './studyFile';

export interface Assigned {
  condition: StudyCondition;
  /** How it was chosen, in words, for the log. */
  rule: string;
}

/** 32-bit FNV-1a of the id's UTF-16 code units: a stable spread for ids without a number. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Counterbalancing by participant id: the last number in the id, n, gives condition (n - 1) mod k, so P1, P2, P3, ...
 * cycle through the conditions in file order and every block of k consecutive participants sees each once;
 * an id without a number falls back to FNV-1a(id) mod k.
 */
export function counterbalancedIndex(participantId: string, conditionCount: number): { index: number; basis: string } {
  if (!Number.isInteger(conditionCount) || conditionCount < 1) throw new RangeError(`conditionCount must be a positive integer, got ${conditionCount}`);
  const digits = participantId.match(/(\d+)(?!.*\d)/)?.[1];
  if (digits !== undefined) {
    const number = Number.parseInt(digits, 10);
    return { index: (((number - 1) % conditionCount) + conditionCount) % conditionCount, basis: `participant number ${number}` };
  }
  return { index: fnv1a32(participantId) % conditionCount, basis: `FNV-1a hash of "${participantId}"` };
}

/** `draw` is one uniform number in [0, 1) (Math.random on the page, a fixed value in tests); only random assignment uses it. */
export function assignCondition(study: StudyFile, participantId: string, draw: number): Assigned {
  const { assignment, conditions } = study;
  const k = conditions.length;
  switch (assignment.kind) {
    case 'fixed': {
      const condition = conditions.find((c) => c.id === assignment.condition);
      if (!condition) throw new Error(`the study has no condition "${assignment.condition}"`);
      return { condition, rule: 'fixed' };
    }
    case 'random': {
      if (!(draw >= 0 && draw < 1)) throw new RangeError(`draw must lie in [0, 1), got ${draw}`);
      const index = Math.floor(draw * k);
      return { condition: conditions[index]!, rule: `random: condition ${index + 1} of ${k}` };
    }
    case 'counterbalanced': {
      const { index, basis } = counterbalancedIndex(participantId, k);
      return { condition: conditions[index]!, rule: `counterbalanced: ${basis} -> condition ${index + 1} of ${k}` };
    }
  }
}
