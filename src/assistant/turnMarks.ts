// When each step of a turn happened in the page (the clock's ms), for bench:turn's stage split: the turn handed to
// the conversation, its transcript, the reply's first words, its first clause sent to the voice, that audio, its playback.
import type { Clock } from './ports';

export type TurnMarkName = 'handed' | 'transcribed' | 'firstText' | 'firstClause' | 'firstAudio' | 'playback';

export type TurnMarks = Partial<Record<TurnMarkName, number>>;

/** The latest turns' marks, oldest first; a long session keeps only the last ones. */
const KEPT_TURNS = 100;

export class TurnMarkLog {
  private readonly turns: TurnMarks[] = [];

  constructor(private readonly clock: Clock) {}

  /** Notes the first time `name` happens in the current turn; 'handed' starts a new turn. */
  mark(name: TurnMarkName, atMs: number = this.clock.nowMs()): void {
    if (name === 'handed') {
      this.turns.push({});
      if (this.turns.length > KEPT_TURNS) this.turns.shift();
    }
    const current = this.turns.at(-1);
    if (current && current[name] === undefined) current[name] = atMs;
  }

  all(): TurnMarks[] {
    return this.turns.map((marks) => ({ ...marks }));
  }
}
