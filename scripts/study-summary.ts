// Prints a study export (JSON or ZIP) as one table per session; --extract writes log.json and the WAVs for `npm run analyze`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorMessage } from '../src/errorMessage';
import { readExport } from '../src/study/export/readExport';
import { formatSessionTable } from '../src/study/export/summaryTable';
import { CliError } from './cli/cliError';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';

await runCli('study:summary', async () => {
  const { values, positionals } = parseCliArgs({
    usage: 'npm run -s study:summary -- <export.json|export.zip> [--extract <dir>]',
    positionals: ['<export>'],
    options: { extract: { type: 'string' } },
  });
  const [path = ''] = positionals;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  let read;
  try {
    read = readExport(bytes);
  } catch (error) {
    throw new CliError(`${path}: ${errorMessage(error)}`);
  }
  const { log, wavs } = read;
  process.stdout.write(`${log.study.title} (${log.study.id}), exported ${log.exportedAt}: ${log.sessions.length} session(s)\n\n`);
  for (const session of log.sessions) process.stdout.write(`${formatSessionTable(session)}\n\n`);
  if (values.extract !== undefined) {
    mkdirSync(values.extract, { recursive: true });
    writeFileSync(join(values.extract, 'log.json'), `${JSON.stringify(log, null, 2)}\n`);
    for (const [name, data] of wavs) {
      mkdirSync(dirname(join(values.extract, name)), { recursive: true });
      writeFileSync(join(values.extract, name), data);
    }
    process.stderr.write(`study:summary: wrote log.json and ${wavs.size} WAV file(s) to ${values.extract}\n`);
  }
});
