// Writes a small evaluation set from the project's synthetic speech fixtures (npm run fixtures): two whole-dialogue
// WAVs and one dialogue given as turn WAVs, each with one reference reply per user turn.
// Usage: npx tsx scripts/eval/makeDemoSet.ts <out-dir> [--with-bad-lines]
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs } from '../cli/parseCliArgs';
import { runCli } from '../cli/runCli';

/** Replies a person might give to the fixtures' three sentences (scripts/make-fixtures.sh). */
const REFERENCE = {
  finished: 'Congratulations on finishing it, months of work is something to be proud of.',
  invisible: "I'm sorry nobody noticed, it hurts to feel invisible after all that effort.",
  matters: 'What you do matters, and I can hear how discouraged you feel right now.',
};

await runCli('make-demo-set', async () => {
  const { values, positionals } = parseCliArgs({
    usage: 'npx tsx scripts/eval/makeDemoSet.ts <out-dir> [--with-bad-lines]',
    positionals: ['<out-dir>'],
    options: { 'with-bad-lines': { type: 'boolean', default: false } },
  });
  const [outDir = ''] = positionals;
  mkdirSync(outDir, { recursive: true });
  for (const name of ['dialogue-falling-48k.wav', 'dialogue-rising-48k.wav', 'speech-16k.wav', 'clipped-dc-16k.wav']) copyFileSync(join('fixtures', name), join(outDir, name));
  const lines: unknown[] = [
    { id: 'falling', audio: 'dialogue-falling-48k.wav', references: [REFERENCE.finished, REFERENCE.invisible, REFERENCE.matters] },
    { id: 'rising', audio: 'dialogue-rising-48k.wav', references: [REFERENCE.matters, REFERENCE.invisible, REFERENCE.finished] },
    { id: 'turn-files', audio: ['speech-16k.wav', 'clipped-dc-16k.wav'], references: [REFERENCE.finished, REFERENCE.finished] },
  ];
  const text = lines.map((line) => JSON.stringify(line)).join('\n');
  // A missing WAV and a line of the wrong shape: eval names each line and goes on with the rest.
  const bad = values['with-bad-lines'] ? `\n${JSON.stringify({ id: 'missing', audio: 'no-such-file.wav' })}\n{"id": "broken", "audio": 3}` : '';
  writeFileSync(join(outDir, 'set.jsonl'), `${text}${bad}\n`);
  process.stdout.write(`${join(outDir, 'set.jsonl')}\n`);
});
