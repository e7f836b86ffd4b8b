// When each step of a turn happened in the page (performance.now()), for bench:turn's stage split: the turn handed to
// the conversation, its transcript, the reply's first words, its first clause sent to the voice, that audio, its playback.

export type TurnMarkName = 'handed' | 'transcribed' | 'firstText' | 'firstClause' | 'firstAudio' | 'playback';

export type TurnMarks = Partial<Record<TurnMarkName, number>>;

/** The latest turns' marks, oldest first; a long session keeps only the last ones. */
const KEPT_TURNS = 100;
const turns: TurnMarks[] = [];

/** Notes the first time `name` happens in the current turn; 'handed' starts a new turn. */
export function markTurn(name: TurnMarkName, atMs: number = performance.now()): void {
  if (name === 'handed') {
    turns.push({});
    if (turns.length > KEPT_TURNS) turns.shift();
  }
  const current = turns.at(-1);
  if (current && current[name] === undefined) current[name] = atMs;
}

export function turnMarks(): TurnMarks[] {
  return turns.map((marks) => ({ ...marks }));
}
