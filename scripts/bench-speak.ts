// `npm run bench:speak [-- runs]`: time to first audio on the tiny pack, by stage, and the TTS real-time factor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordingLogMel } from '../src/audio/recordingLogMel';
import { readWav } from '../src/audio/wav/readWav';
import { SpeechChunker } from '../src/conversation/speechChunker';
import { blendVoices, voiceFor } from '../src/conversation/voiceStyle';
import { transcribe } from '../src/models/asr/transcriber';
import { ReplyEngine } from '../src/models/llm/replyEngine';
import { KOKORO_SAMPLE_RATE_HZ, synthesize } from '../src/models/tts/kokoroSpeaker';
import { measure } from './bench/measure';
import { loadPackInNode } from './cli/loadPackInNode';

const WARMUP_RUNS = 2;
const TIMED_RUNS = Number(process.argv[2] ?? 15);
const MAX_NEW_TOKENS = 64;

const ms = (value: number) => `${value.toFixed(1).padStart(8)} ms`;

async function main(): Promise<void> {
  const models = await loadPackInNode('tiny', { withTts: true });
  const voice = models.tts!;
  const pcm16k = readWav(new Uint8Array(readFileSync(join(process.cwd(), 'fixtures', 'speech-16k.wav')))).samples;
  // The listening path computed the turn's log-mel while the user spoke.
  const logMel = recordingLogMel(pcm16k, 16_000, 80);
  const choice = voiceFor('comfort', voice.presets);
  const table = blendVoices(voice.tables, choice.voiceMix);
  const engine = new ReplyEngine(models.llm);

  const results = await measure(
    {
      reply: async () => {
        const endOfTurnMs = performance.now();
        const heard = await transcribe(models.asr, { pcm16k, logMel });
        const asrDoneMs = performance.now();
        await engine.reset();
        const chunker = new SpeechChunker();
        const chunks: string[] = [];
        let firstChunkMs = 0;
        const messages = [{ role: 'system', content: 'You are a kind listener.' }, { role: 'user', content: heard.text }];
        await engine.generate(messages, {
          maxNewTokens: MAX_NEW_TOKENS,
          onToken: (delta) => {
            const ready = chunker.push(delta);
            if (ready.length > 0 && firstChunkMs === 0) firstChunkMs = performance.now();
            chunks.push(...ready);
          },
        });
        chunks.push(...chunker.flush());
        if (firstChunkMs === 0) firstChunkMs = performance.now();
        let firstAudioMs = 0;
        let synthesisMs = 0;
        let audioSamples = 0;
        for (const text of chunks) {
          const startMs = performance.now();
          const speech = await synthesize(voice.bundle, text, { style: null, voice: table, speed: choice.speed });
          synthesisMs += performance.now() - startMs;
          audioSamples += speech.audio.length;
          if (firstAudioMs === 0) firstAudioMs = performance.now();
        }
        return {
          asr: asrDoneMs - endOfTurnMs,
          llmToFirstChunk: firstChunkMs - asrDoneMs,
          ttsFirstChunk: firstAudioMs - firstChunkMs,
          timeToFirstAudio: firstAudioMs - endOfTurnMs,
          realTimeFactor: synthesisMs / ((audioSamples / KOKORO_SAMPLE_RATE_HZ) * 1000),
          audioSeconds: audioSamples / KOKORO_SAMPLE_RATE_HZ,
        };
      },
    },
    WARMUP_RUNS,
    TIMED_RUNS,
  );
  const r = results['reply']!;
  console.log(`tiny pack, onnxruntime-node CPU; median of ${TIMED_RUNS} runs after ${WARMUP_RUNS} warm-ups; comfort preset at ${choice.speed}x`);
  console.log("end of turn -> first reply audio sample (synthesized; in the page the AudioContext's output latency comes on top)");
  console.log(`  ASR (Whisper on the turn's log-mel)   ${ms(r['asr']!)}`);
  console.log(`  LLM until the first speakable chunk   ${ms(r['llmToFirstChunk']!)}`);
  console.log(`  TTS of the first chunk                ${ms(r['ttsFirstChunk']!)}`);
  console.log(`  time to first audio                   ${ms(r['timeToFirstAudio']!)}`);
  console.log(`TTS real-time factor ${r['realTimeFactor']!.toFixed(3)} (synthesis time / audio time, ${r['audioSeconds']!.toFixed(2)} s of speech per reply)`);
  await models.release();
}

await main();
