// End of turn -> first reply token on the tiny pack, through the speech path (front, the pack's Whisper, adapter,
// cross-attention, the embeddings-in LLM) and through the text path, with the runtime the page and the CLI use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { ALL_CUES_ON } from '../../src/conversation/affectCues';
import { DEFAULT_MAX_PROMPT_TOKENS, type ReplySettings } from '../../src/conversation/conversation';
import { appendAssistantTurn, appendUserTurn, newDialogue, type Dialogue } from '../../src/conversation/dialogue';
import { recordingLogMel } from '../../src/audio/recordingLogMel';
import { readWav } from '../../src/audio/wav/readWav';
import { encodeWindow } from '../../src/models/asr/transcriber';
import { whisperFamily } from '../../src/models/asr/whisperFamily';
import { loadCrossAttention, loadSpeechEncoder } from '../../src/models/es4r/runtime/loadEs4r';
import { MEL_BINS } from '../../src/models/es4r/stage1/stage1Types';
import { llmFamily } from '../../src/models/llm/llmFamily';
import { ReplyEngine } from '../../src/models/llm/replyEngine';
import { replyToDialogue } from '../../src/models/llm/replyToDialogue';
import { speechReply } from '../../src/models/llm/speechReply';
import { measure } from './measure';

const MODELS_DIR = join(process.cwd(), 'public', 'models');
const SETTINGS: ReplySettings = { cues: ALL_CUES_ON, affectCuesInPrompt: false, tauDb: 3, maxNewTokens: 40, maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS, answerPath: 'speech', dualAttention: true, crossAttention: true };
const NO_CUES = { relativeEnergyDb: null, wordsPerSecond: null, longPauses: [] } as never;

/** Three user turns (the same recorded sentence) with the replies between them. */
function threeTurnDialogue(): Dialogue {
  let dialogue = newDialogue();
  for (let i = 0; i < 3; i++) {
    if (i > 0) dialogue = appendAssistantTurn(dialogue, { text: 'i hear you, that sounds really hard.' });
    dialogue = appendUserTurn(dialogue, { transcript: 'Hello, how are you?', startMs: i * 5000, endMs: i * 5000 + 2000, energyDb: -20, strategy: 'neutral', deltaDb: null, cues: NO_CUES });
  }
  return dialogue;
}

export async function benchTinyAnswer(runs: number): Promise<void> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  const pcm16k = readWav(new Uint8Array(readFileSync(join(process.cwd(), 'fixtures', 'speech-16k.wav')))).samples;
  const mel = recordingLogMel(pcm16k, 16_000, MEL_BINS);
  const turns = [mel, mel, mel];
  const read = async (path: string) => new Uint8Array(readFileSync(join(MODELS_DIR, 'tiny', 'es4r', path)));
  const [whisper, textLlm, speechLlm, encoder, cross] = await Promise.all([
    whisperFamily.load('tiny/whisper', 'cpu', 'fp32', () => {}),
    llmFamily.load('tiny/llm', 'cpu', 'fp32', () => {}),
    llmFamily.load('tiny/llm-embeds', 'cpu', 'fp32', () => {}),
    loadSpeechEncoder(read),
    loadCrossAttention(read),
  ]);
  const dialogue = threeTurnDialogue();
  const textEngine = new ReplyEngine(textLlm);
  const speechEngine = new ReplyEngine(speechLlm);
  const results = await measure(
    {
      speech: async () => {
        const startMs = performance.now();
        const vectors = await encoder.encode(turns, (window) => encodeWindow(whisper, window, MEL_BINS), { dualAttention: true });
        const reply = await speechReply(speechEngine, speechLlm, cross, dialogue, SETTINGS, vectors, () => {});
        return { ...vectors.timingsMs, crossAttention: reply.timingsMs.crossAttention!, firstToken: performance.now() - startMs - reply.timingsMs.total! + reply.timingsMs.firstToken!, tokens: vectors.tokens };
      },
      text: async () => {
        await textEngine.reset();
        const reply = await replyToDialogue(textEngine, textLlm, dialogue, { ...SETTINGS, answerPath: 'text' }, () => {});
        return { firstToken: reply.timingsMs.firstToken! };
      },
    },
    2,
    runs,
  );
  const speech = results['speech']!;
  const text = results['text']!;
  console.log(`\ntiny pack end to end (onnxruntime-node CPU for Whisper and the LLMs, wasm for the ES4R graphs), 3 user turns of ${(pcm16k.length / 16_000).toFixed(1)} s, median of ${runs}`);
  console.log(`  speech path: front ${speech['speechFront']!.toFixed(1)} ms + Whisper on the pseudo-mel ${speech['speechWhisper']!.toFixed(1)} ms + adapter ${speech['speechAdapter']!.toFixed(1)} ms (N = ${speech['tokens']}) + cross-attention ${speech['crossAttention']!.toFixed(1)} ms`);
  console.log(`  after the transcript, to the first reply token: speech path ${speech['firstToken']!.toFixed(1)} ms, text path ${text['firstToken']!.toFixed(1)} ms (${(speech['firstToken']! / text['firstToken']!).toFixed(1)}x)`);
  await Promise.all([whisperFamily.dispose(whisper), llmFamily.dispose(textLlm), llmFamily.dispose(speechLlm), encoder.release(), cross.release()]);
}
