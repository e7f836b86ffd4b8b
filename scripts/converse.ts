// Runs a recorded dialogue through the whole pipeline (listening, ASR, affect cues, then ES4R's speech path or the
// text path, LLM, optionally TTS), turn by turn, in process: the same Conversation loop as the page.
import { ALL_CUES_ON } from '../src/conversation/affectCues';
import { Conversation, DEFAULT_MAX_NEW_TOKENS, DEFAULT_MAX_PROMPT_TOKENS, type ReplySettings, type SpeechSide } from '../src/conversation/conversation';
import { userTurns, type AssistantTurn } from '../src/conversation/dialogue';
import { DEFAULT_TAU_DB } from '../src/conversation/strategy';
import { encodeWindow, transcribe } from '../src/models/asr/transcriber';
import { MEL_BINS } from '../src/models/es4r/stage1/stage1Types';
import { speechReply } from '../src/models/llm/speechReply';
import { ReplyEngine } from '../src/models/llm/replyEngine';
import { prefillSystemPrompt, replyToDialogue } from '../src/models/llm/replyToDialogue';
import { SileroVad } from '../src/models/vad/sileroVad';
import { analyzeRecording } from '../src/turns/analyzeRecording';
import { loadPackInNode, packHasSpeechPath, type NodeModels } from './cli/loadPackInNode';
import { CliError, EXIT_BAD_INPUT } from './cli/cliError';
import { loadVadModel } from './cli/loadVadModel';
import { loadWav } from './cli/loadWav';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { formatConverseTurn, type ConverseTurn } from './cli/converseReport';
import { ReplySpeaker } from './cli/speakReplies';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav16 } from '../src/audio/wav/writeWav';
import { KOKORO_SAMPLE_RATE_HZ } from '../src/models/tts/kokoroSpeaker';

const USAGE =
  'npm run -s converse -- <dialogue.wav> [--pack tiny|default|lite|quality] [--path speech|text] [--no-dual-attention] [--no-cross-attention] [--tts <out-dir>] [--json]';

/** The speech path in process: the pack's Whisper encodes the pseudo-mel, as in the page's ASR worker. */
function nodeSpeechSide(models: NodeModels): SpeechSide {
  const { speech, asr } = models;
  if (!speech) return { available: false, reason: 'the text path was asked for' };
  return { available: true, encoder: { encode: (turns, options) => speech.encoder.encode(turns, (window) => encodeWindow(asr, window, MEL_BINS), options) } };
}

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
    const listenStartMs = performance.now();
    const { turns } = await analyzeRecording(wav.samples, wav.sampleRateHz, { vad });
    const listenMs = performance.now() - listenStartMs;
    process.stderr.write(`converse: ${inPath}: ${turns.length} turn(s); models loaded in ${models.loadMs.toFixed(0)} ms, listening took ${listenMs.toFixed(0)} ms\n`);
    const engine = new ReplyEngine(models.llm);
    const speech = models.speech;
    const speechEngine = speech ? new ReplyEngine(speech.llm) : null;
    // As the LLM worker does after loading: the first turn then prefills only its own message.
    await prefillSystemPrompt(engine, settings.affectCuesInPrompt);
    if (speechEngine) await prefillSystemPrompt(speechEngine, settings.affectCuesInPrompt);
    const stageTimes = new Map<number, Record<string, number>>();
    const conversation = new Conversation(
      { transcribe: async (audio) => transcribe(models.asr, audio) },
      {
        reply: (dialogue, replySettings, onText, signal, vectors) =>
          vectors && speech && speechEngine
            ? speechReply(speechEngine, speech.llm, replySettings.crossAttention ? speech.crossAttention : null, dialogue, replySettings, vectors, onText, signal)
            : replyToDialogue(engine, models.llm, dialogue, replySettings, onText, signal),
      },
      () => settings,
      (event, dialogue) => {
        speaker?.onEvent(event, dialogue);
        if (event.type === 'userTurn') stageTimes.set(event.userTurnId, prefixed('asr', event.timingsMs));
        if (event.type === 'replyEnded') stageTimes.set(-event.replyId, prefixed('llm', event.timingsMs));
      },
      () => nodeSpeechSide(models),
    );
    const report: ConverseTurn[] = [];
    for (const [index, turn] of turns.entries()) {
      const startMs = performance.now();
      await speaker?.turnEnded(turn);
      await conversation.handleTurn(turn);
      await conversation.settled();
      const endToReplyMs = performance.now() - startMs;
      const spoken = await speaker?.take();
      if (spoken && ttsDir) writeFileSync(join(ttsDir, `turn-${index + 1}.wav`), encodeWav16(spoken.audio24k, KOKORO_SAMPLE_RATE_HZ));
      spoken?.notices.forEach((notice) => process.stderr.write(`converse: turn ${index + 1}: ${notice}\n`));
      const user = userTurns(conversation.current).at(-1)!;
      const reply = conversation.current.turns.at(-1) as AssistantTurn;
      report.push({
        startMs: turn.startMs,
        endMs: turn.endMs,
        transcript: user.transcript,
        strategy: user.strategy,
        deltaDb: user.deltaDb,
        cues: user.cueNote ?? '',
        reply: reply.text,
        route: reply.route,
        prompt: reply.prompt,
        timingsMs: { ...stageTimes.get(user.id), ...stageTimes.get(-reply.id), endOfTurnToReply: endToReplyMs },
        ...(spoken ? { voice: spoken.voice, ttfaMs: spoken.ttfaMs } : {}),
      });
    }
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

function prefixed(stage: string, timingsMs: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(timingsMs).map(([name, ms]) => [`${stage}.${name}`, Math.round(ms * 10) / 10]));
}
