// Runs a microphone recording and the reply that was playing through the listen engine, the echo gate and the barge-in machine.
import { SileroVad } from '../src/models/vad/sileroVad';
import { analyzeBargeIn } from '../src/turns/bargeIn/analyzeBargeIn';
import { CliError } from './cli/cliError';
import { loadVadModel } from './cli/loadVadModel';
import { loadWav } from './cli/loadWav';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { formatBargeInReport } from './bargeIn/formatReport';

const USAGE = 'npm run -s barge-in -- --mic mic.wav --playback reply.wav [--json]';

await runCli('barge-in', async () => {
  const { values } = parseCliArgs({
    usage: USAGE,
    positionals: [],
    options: { mic: { type: 'string' }, playback: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (!values.mic || !values.playback) throw new CliError(`--mic and --playback are both required (usage: ${USAGE})`);
  const mic = loadWav(values.mic);
  const playback = loadWav(values.playback);
  const vad = await SileroVad.create(loadVadModel());
  try {
    const analysis = await analyzeBargeIn(mic, playback, { vad });
    const { bargeIns, ducks } = analysis;
    if (values.json) process.stdout.write(`${JSON.stringify({ bargeIns, ducks })}\n`);
    else process.stdout.write(formatBargeInReport(analysis));
  } finally {
    await vad.release();
  }
});
