// Runs a recorded dialogue through the whole text path (listening, ASR, affect cues, prompt, LLM), turn by turn.
import { ALL_CUES_ON } from '../src/conversation/affectCues';
import { Conversation, DEFAULT_MAX_NEW_TOKENS, type ReplySettings } from '../src/conversation/conversation';
import { userTurns, type AssistantTurn } from '../src/conversation/dialogue';
import { cueNote } from '../src/conversation/prompt';
import { DEFAULT_TAU_DB } from '../src/conversation/strategy';
import { transcribe } from '../src/models/asr/transcriber';
import { ReplyEngine } from '../src/models/llm/replyEngine';
import { replyToDialogue } from '../src/models/llm/replyToDialogue';
import { SileroVad } from '../src/models/vad/sileroVad';
import { analyzeRecording } from '../src/turns/analyzeRecording';
import { loadPackInNode } from './cli/loadPackInNode';
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

const SETTINGS: ReplySettings = { cues: ALL_CUES_ON, affectCuesInPrompt: true, tauDb: DEFAULT_TAU_DB, maxNewTokens: DEFAULT_MAX_NEW_TOKENS };

await runCli('converse', async () => {
  const { values, positionals } = parseCliArgs({
    usage: 'npm run -s converse -- <dialogue.wav> [--pack tiny|default|lite|quality] [--tts <out-dir>] [--json]',
    positionals: ['<dialogue.wav>'],
    options: { json: { type: 'boolean', default: false }, pack: { type: 'string', default: 'default' }, tts: { type: 'string' } },
  });
  const [inPath = ''] = positionals;
  const wav = loadWav(inPath);
  const ttsDir = typeof values.tts === 'string' ? values.tts : null;
  if (ttsDir) mkdirSync(ttsDir, { recursive: true });
  const models = await loadPackInNode(String(values.pack), { withTts: ttsDir !== null });
  const speaker = models.tts ? new ReplySpeaker(models.tts) : null;
  const vad = await SileroVad.create(loadVadModel());
  try {
    const listenStartMs = performance.now();
    const { turns } = await analyzeRecording(wav.samples, wav.sampleRateHz, { vad });
    const listenMs = performance.now() - listenStartMs;
    process.stderr.write(`converse: ${inPath}: ${turns.length} turn(s); models loaded in ${models.loadMs.toFixed(0)} ms, listening took ${listenMs.toFixed(0)} ms\n`);
    const engine = new ReplyEngine(models.llm);
    const stageTimes = new Map<number, Record<string, number>>();
    const conversation = new Conversation(
      { transcribe: async (audio) => transcribe(models.asr, audio) },
      { reply: (dialogue, settings, onText, signal) => replyToDialogue(engine, models.llm, dialogue, settings, onText, signal) },
      () => SETTINGS,
      (event, dialogue) => {
        speaker?.onEvent(event, dialogue);
        if (event.type === 'userTurn') stageTimes.set(event.userTurnId, prefixed('asr', event.timingsMs));
        if (event.type === 'replyEnded') stageTimes.set(-event.replyId, prefixed('llm', event.timingsMs));
      },
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
        cues: cueNote(user, SETTINGS) ?? '',
        reply: reply.text,
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
