// Participant ids: safe as file names in the export, and numbered so that counterbalancing cycles.

const PARTICIPANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Null when the id is usable, else what is wrong with it. */
export function participantIdProblem(id: string): string | null {
  if (id.length === 0) return 'Enter a participant id or generate one.';
  if (!PARTICIPANT_ID.test(id)) return 'A participant id is 1-64 letters, digits, "_" or "-", starting with a letter or digit.';
  return null;
}

/** The next "P001"-style id after the highest one already in the log (P001 when there is none). */
export function nextParticipantId(existingIds: readonly string[]): string {
  const numbers = existingIds.map((id) => /^P(\d+)$/.exec(id)?.[1]).filter((digits): digits is string => digits !== undefined);
  const next = Math.max(0, ...numbers.map((digits) => Number.parseInt(digits, 10))) + 1;
  return `P${String(next).padStart(3, '0')}`;
}
