// The speech path's LLM side on onnxruntime-node's WebGPU EP (SwiftShader) against its CPU EP: the same spliced prompt
// (instruction, history, cross-attended speech vectors, suffix) must give the same greedy reply.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CUES_ON } from '../src/conversation/affectCues';
import { DEFAULT_MAX_PROMPT_TOKENS, type ReplySettings } from '../src/conversation/conversation';
import { appendAssistantTurn, appendUserTurn, newDialogue, type Dialogue } from '../src/conversation/dialogue';
import type { CrossAttention } from '../src/models/es4r/runtime/crossAttention';
import { loadCrossAttention } from '../src/models/es4r/runtime/loadEs4r';
import { llmFamily, type LlmBundle } from '../src/models/llm/llmFamily';
import { ReplyEngine } from '../src/models/llm/replyEngine';
import { speechReply } from '../src/models/llm/speechReply';
import { seededRandom, uniformArray } from '../scripts/tinyPack/seededRandom';

const MODELS_DIR = join(process.cwd(), 'public', 'models');
const SETTINGS: ReplySettings = { cues: ALL_CUES_ON, affectCuesInPrompt: false, tauDb: 3, maxNewTokens: 40, maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS, answerPath: 'speech', dualAttention: true, crossAttention: true };
const NO_CUES = { relativeEnergyDb: null, wordsPerSecond: null, longPauses: [] } as never;

let cpu: LlmBundle;
let gpu: LlmBundle;
let cross: CrossAttention;

function dialogueSaying(...transcripts: string[]): Dialogue {
  let dialogue = newDialogue();
  transcripts.forEach((transcript, i) => {
    if (i > 0) dialogue = appendAssistantTurn(dialogue, { text: 'i hear you, that sounds really hard.' });
    dialogue = appendUserTurn(dialogue, { transcript, startMs: 0, endMs: 1000, energyDb: -20, strategy: 'neutral', deltaDb: null, cues: NO_CUES });
  });
  return dialogue;
}

async function reply(bundle: LlmBundle, dialogue: Dialogue, tokens: number, seed: number) {
  const speech = { data: uniformArray(seededRandom(seed), tokens * 32, 1), tokens, hidden: 32 };
  return speechReply(new ReplyEngine(bundle), bundle, cross, dialogue, SETTINGS, speech, () => {});
}

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  cpu = await llmFamily.load('tiny/llm-embeds', 'cpu', 'fp32', () => {});
  gpu = await llmFamily.load('tiny/llm-embeds', 'webgpu', 'fp32', () => {});
  cross = await loadCrossAttention(async (path) => new Uint8Array(readFileSync(join(MODELS_DIR, 'tiny', 'es4r', path))));
});

afterAll(async () => {
  await cross?.release();
  if (cpu) await llmFamily.dispose(cpu);
  if (gpu) await llmFamily.dispose(gpu);
});

describe('speech-path replies, WebGPU vs CPU (tiny/llm-embeds)', () => {
  for (const [name, transcripts, tokens] of [
    ['one turn', ['hello how are you'], 8],
    ['three turns', ['hello how are you', 'hello how are you', 'please encourage me'], 33],
  ] as const) {
    it(`gives the same reply for ${name}`, async () => {
      const dialogue = dialogueSaying(...transcripts);
      const [onCpu, onGpu] = [await reply(cpu, dialogue, tokens, 5), await reply(gpu, dialogue, tokens, 5)];
      expect(onCpu.text.length).toBeGreaterThan(0);
      expect(onGpu.text).toBe(onCpu.text);
    });
  }
});
