// Runs a recorded dialogue through the whole pipeline (listening, ASR, affect cues, then ES4R's speech path or the
// text path, LLM, optionally TTS), turn by turn, in process: the same Conversation loop as the page.
import { ALL_CUES_ON } from '../src/conversation/affectCues';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_MAX_PROMPT_TOKENS, type ReplySettings } from '../src/conversation/conversation';
import { DEFAULT_TAU_DB } from '../src/conversation/strategy';
import { SileroVad } from '../src/models/vad/sileroVad';
import { loadPackInNode, packHasSpeechPath } from './cli/loadPackInNode';
import { CliError, EXIT_BAD_INPUT } from './cli/cliError';
import { converseRecording } from './cli/converseRecording';
import { loadVadModel } from './cli/loadVadModel';
import { loadWav } from './cli/loadWav';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { formatConverseTurn } from './cli/converseReport';
import { ReplySpeaker } from './cli/speakReplies';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav16 } from '../src/audio/wav/writeWav';
import { KOKORO_SAMPLE_RATE_HZ } from '../src/models/tts/kokoroSpeaker';

const USAGE =
  'npm run -s converse -- <dialogue.wav> [--pack tiny|default|lite|quality] [--path speech|text] [--no-dual-attention] [--no-cross-attention] [--tts <out-dir>] [--json]';

await runCli('converse', async () => {
  const { values, positionals } = parseCliArgs({
    usage: USAGE,
    positionals: ['<dialogue.wav>'],
    options: {
      json: { type: 'boolean', default: false },
      pack: { type: 'string', default: 'default' },
      tts: { type: 'string' },
      path: { type: 'string' },
      'no-dual-attention': { type: 'boolean', default: false },
      'no-cross-attention': { type: 'boolean', default: false },
    },
  });
  const [inPath = ''] = positionals;
  const pack = String(values.pack);
  if (values.path !== undefined && values.path !== 'speech' && values.path !== 'text') throw new CliError(`--path must be speech or text, got "${values.path}"`, EXIT_BAD_INPUT);
  // The speech path when the pack has one, as in the page; --path text (or speech, to insist) chooses.
  const answerPath = values.path ?? ((await packHasSpeechPath(pack)) ? 'speech' : 'text');
  const settings: ReplySettings = {
    cues: ALL_CUES_ON,
    affectCuesInPrompt: true,
    tauDb: DEFAULT_TAU_DB,
    maxNewTokens: DEFAULT_MAX_NEW_TOKENS,
    maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS,
    answerPath,
    dualAttention: !values['no-dual-attention'],
    crossAttention: !values['no-cross-attention'],
  };
  if (answerPath === 'text' && (values['no-dual-attention'] || values['no-cross-attention'])) {
    throw new CliError('--no-dual-attention and --no-cross-attention are ablations of the speech path; they need --path speech', EXIT_BAD_INPUT);
  }
  const wav = loadWav(inPath);
  const ttsDir = typeof values.tts === 'string' ? values.tts : null;
  if (ttsDir) mkdirSync(ttsDir, { recursive: true });
  const models = await loadPackInNode(pack, { withTts: ttsDir !== null, withSpeechPath: answerPath === 'speech' });
  const speaker = models.tts ? new ReplySpeaker(models.tts) : null;
  const vad = await SileroVad.create(loadVadModel());
  try {
    const { turns: report, listenMs } = await converseRecording(wav, {
      models,
      vad,
      settings,
      speaker,
      onSpoken: (index, spoken) => {
        if (ttsDir) writeFileSync(join(ttsDir, `turn-${index + 1}.wav`), encodeWav16(spoken.audio24k, KOKORO_SAMPLE_RATE_HZ));
        spoken.notices.forEach((notice) => process.stderr.write(`converse: turn ${index + 1}: ${notice}\n`));
      },
    });
    process.stderr.write(`converse: ${inPath}: ${report.length} turn(s); models loaded in ${models.loadMs.toFixed(0)} ms, listening took ${listenMs.toFixed(0)} ms\n`);
    if (values.json) {
      const json = { turns: report.map(({ cues: _cues, ...turn }) => turn) };
      process.stdout.write(`${JSON.stringify(json)}\n`);
    } else {
      process.stdout.write(report.map(formatConverseTurn).join('\n'));
    }
  } finally {
    await vad.release();
    await models.release();
  }
});
