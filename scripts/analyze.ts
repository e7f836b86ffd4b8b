// Runs a recorded dialogue through the live listening path and prints its turns and the strategy.
import { SileroVad } from '../src/models/vad/sileroVad';
import { analyzeRecording } from '../src/turns/analyzeRecording';
import { loadVadModel } from './cli/loadVadModel';
import { loadWav } from './cli/loadWav';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { formatStrategyLine, formatTurnTable } from './cli/turnTable';

await runCli('analyze', async () => {
  const { values, positionals } = parseCliArgs({
    usage: 'npm run -s analyze -- <in.wav> [--json]',
    positionals: ['<in.wav>'],
    options: { json: { type: 'boolean', default: false } },
  });
  const [inPath = ''] = positionals;
  const wav = loadWav(inPath);
  const vad = await SileroVad.create(loadVadModel());
  try {
    const { turns, strategy, deltaDb } = await analyzeRecording(wav.samples, wav.sampleRateHz, { vad });
    process.stderr.write(
      `analyze: ${inPath}: ${(wav.samples.length / wav.sampleRateHz).toFixed(2)} s at ${wav.sampleRateHz} Hz, ${turns.length} turn(s)\n`,
    );
    if (values.json) {
      const json = { turns: turns.map(({ startMs, endMs, energyDb }) => ({ startMs, endMs, energyDb })), deltaDb, strategy };
      process.stdout.write(`${JSON.stringify(json)}\n`);
    } else {
      process.stdout.write(`${formatTurnTable(turns)}\n${formatStrategyLine(strategy, deltaDb)}\n`);
    }
  } finally {
    await vad.release();
  }
});
