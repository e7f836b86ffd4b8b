// The evaluation set: one JSON object per line, {"id", "audio": "dialogue.wav" | ["turn1.wav", ...], "references"?: [...]},
// audio paths relative to the set file. A bad line is reported by its number and the rest still run.
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseOrThrow } from '../../src/schemaIssues';

const lineSchema = z
  .object({
    id: z.string().min(1),
    audio: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'must be a WAV path or a non-empty list of WAV paths' })
      .describe('one WAV of the whole dialogue, or one WAV per user turn, in order'),
    references: z.array(z.string(), { error: 'must be a list of reference replies (strings)' }).optional().describe('one reference reply per user turn'),
  })
  .strict();

export interface DialogueSpec {
  /** 1-based line number in the set file. */
  line: number;
  id: string;
  /** Absolute paths: one file holds the whole dialogue, several hold one user turn each. */
  audioPaths: string[];
  references: string[] | null;
}

export interface ParsedSet {
  dialogues: DialogueSpec[];
  /** "line 3: ..." for each line that could not be read. */
  problems: string[];
}

export function parseDialogueSet(text: string, setPath: string): ParsedSet {
  const base = dirname(setPath);
  const dialogues: DialogueSpec[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      problems.push(`line ${line}: not JSON (${(error as Error).message})`);
      return;
    }
    let parsed: z.infer<typeof lineSchema>;
    try {
      parsed = parseOrThrow(lineSchema, json, (issues) => new Error(issues.trim().replace(/\n\s*/g, '; ')));
    } catch (error) {
      problems.push(`line ${line}: ${(error as Error).message}`);
      return;
    }
    const earlier = seen.get(parsed.id);
    if (earlier !== undefined) {
      problems.push(`line ${line}: id "${parsed.id}" was already used on line ${earlier}`);
      return;
    }
    seen.set(parsed.id, line);
    const audio = typeof parsed.audio === 'string' ? [parsed.audio] : parsed.audio;
    dialogues.push({ line, id: parsed.id, audioPaths: audio.map((path) => resolve(base, path)), references: parsed.references ?? null });
  });
  return { dialogues, problems };
}
