// Writes the Whisper-normalised log-mel of a WAV file as .npy, computed by the same streaming path as the browser.
import { writeFileSync } from 'node:fs';
import { recordingLogMel } from '../src/audio/recordingLogMel';
import { encodeNpy } from '../src/audio/wav/npy';
import { CliError } from './cli/cliError';
import { loadWav } from './cli/loadWav';
import { parseCliArgs, usageError } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';

/** One Whisper window: the normalisation is defined over at most 30 s. */
const MAX_DURATION_S = 30;
const USAGE = 'npm run -s features -- <in.wav> <out.npy> [--mels 80|128]';

await runCli('features', async () => {
  const { values, positionals } = parseCliArgs({
    usage: USAGE,
    positionals: ['<in.wav>', '<out.npy>'],
    options: { mels: { type: 'string', default: '80' } },
  });
  const [inPath = '', outPath = ''] = positionals;
  const nMels = Number(values.mels) as 80 | 128;
  if (nMels !== 80 && nMels !== 128) throw usageError(USAGE, `--mels must be 80 or 128, got '${values.mels}'`);

  const wav = loadWav(inPath);
  const durationS = wav.samples.length / wav.sampleRateHz;
  if (durationS > MAX_DURATION_S) {
    throw new CliError(`${inPath}: ${durationS.toFixed(2)} s is longer than the ${MAX_DURATION_S} s maximum (one Whisper window)`);
  }

  const { data, frameCount } = recordingLogMel(wav.samples, wav.sampleRateHz, nMels);
  writeFileSync(outPath, encodeNpy(data, [nMels, frameCount]));
  process.stderr.write(`features: ${inPath} -> ${outPath} [${nMels} x ${frameCount}]\n`);
});

