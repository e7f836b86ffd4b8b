// One user turn through the plain recipe (after transformers.js-examples' conversational-webgpu demo): transcribe the
// raw audio with the ASR pipeline, append it to the chat, generate with the chat template and the KV cache of the
// previous turns, and speak each whole sentence with one TTS call as it completes.
import { TextStreamer, type DynamicCache, type Tensor } from '@huggingface/transformers';
import { commonPrefixLength, cropCache } from '../../../src/models/llm/kvCache';
import { synthesize } from '../../../src/models/tts/kokoroSpeaker';
import { ttsTimings } from '../../../src/models/tts/ttsTimings';
import { FIXED_REPLY } from '../../../src/conversation/benchmarkReply';
import { forcedReply } from '../../../src/models/llm/forcedTokens';
import { wordCount } from '../../eval/metrics/tokenize';
import type { PlainModels } from './plainModelSet';
import { SentenceSplitter } from './sentenceSplitter';

/** The demo's kind of system prompt, in our words: short, casual answers. */
const SYSTEM_PROMPT = 'You are a friendly voice assistant in a spoken conversation. Answer briefly, clearly and casually.';

export interface PlainTurnMarks {
  transcribedAtMs: number;
  /** After the chat template and tokenisation, when generate() was called. */
  generateAtMs: number;
  firstTokenAtMs: number | null;
  firstTextAtMs: number | null;
  firstSentenceAtMs: number | null;
  firstAudioAtMs: number | null;
  /** The first sentence's synthesis as the TTS measured it (ttsTimings); null until it is spoken. */
  firstSentenceTimingsMs: { ttsText: number; ttsModel: number } | null;
  transcript: string;
  promptTokens: number;
  prefilledTokens: number;
  /** Words of the reply it was made to write (the fixed reply, cut at the token cap). */
  replyWords: number;
}

export class PlainAssistant {
  private readonly messages: { role: string; content: string }[] = [{ role: 'system', content: SYSTEM_PROMPT }];
  /** The previous turn's KV cache and the token ids it holds. */
  private cache: { pastKeyValues: DynamicCache; ids: number[] } | null = null;

  constructor(private readonly models: PlainModels) {}

  /** Answers one turn's audio (16 kHz); null when the transcript is empty, as the demo then does not answer. */
  async answer(audio16k: Float32Array, replyTokens: number): Promise<PlainTurnMarks | null> {
    const { transcriber, tokenizer, llm, tts, voice } = this.models;
    const { text } = (await transcriber(audio16k)) as { text: string };
    const transcript = text.trim();
    const transcribedAtMs = performance.now();
    if (transcript === '' || transcript === '[BLANK_AUDIO]') return null;
    this.messages.push({ role: 'user', content: transcript });

    const inputs = tokenizer.apply_chat_template(this.messages, { add_generation_prompt: true, return_dict: true }) as unknown as { input_ids: Tensor; attention_mask: Tensor };
    const promptIds = (inputs.input_ids.tolist() as bigint[][])[0]!.map(Number);
    const promptTokens = promptIds.length;
    // The demo hands its cache over whatever the new prompt is: its replies re-tokenise to the ids it generated (the
    // forced fixed reply does too), so the cache covers the history. Cut to the prefix the new prompt shares all the
    // same, so that a reply that re-tokenised otherwise would cost a re-prefill, never a misaligned cache.
    const sharedTokens = this.cache ? Math.min(commonPrefixLength(this.cache.ids, promptIds), promptTokens - 1) : 0;
    if (this.cache && sharedTokens === 0) await this.cache.pastKeyValues.dispose();
    const pastKeyValues = this.cache && sharedTokens > 0 ? await cropCache(this.cache.pastKeyValues, sharedTokens) : null;
    this.cache = null;
    const cachedTokens = pastKeyValues ? sharedTokens : 0;
    const marks: PlainTurnMarks = {
      transcribedAtMs,
      generateAtMs: performance.now(),
      firstTokenAtMs: null,
      firstTextAtMs: null,
      firstSentenceAtMs: null,
      firstAudioAtMs: null,
      firstSentenceTimingsMs: null,
      transcript,
      promptTokens,
      prefilledTokens: promptTokens - cachedTokens,
      replyWords: 0,
    };
    const splitter = new SentenceSplitter();
    let speaking: Promise<void> = Promise.resolve();
    const speak = (sentences: string[]) => {
      for (const sentence of sentences) {
        speaking = speaking.then(async () => {
          marks.firstSentenceAtMs ??= performance.now();
          const { timingsMs } = await synthesize(tts, sentence, { style: null, voice, speed: 1 });
          marks.firstSentenceTimingsMs ??= ttsTimings(timingsMs);
          marks.firstAudioAtMs ??= performance.now();
        });
      }
    };
    const streamer = new TextStreamer(tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: (text: string) => {
        marks.firstTextAtMs ??= performance.now();
        speak(splitter.push(text));
      },
      token_callback_function: () => {
        marks.firstTokenAtMs ??= performance.now();
      },
    });
    const { past_key_values, sequences } = (await llm.generate({
      ...inputs,
      ...(pastKeyValues ? { past_key_values: pastKeyValues } : {}),
      do_sample: false,
      max_new_tokens: replyTokens,
      // Random weights write noise: the model is made to write the fixed reply, as ours is in its benchmark mode.
      logits_processor: forcedReply(tokenizer, llm.generation_config, FIXED_REPLY),
      streamer,
      return_dict_in_generate: true,
    } as never)) as unknown as { past_key_values: DynamicCache; sequences: Tensor };
    const sequence = (sequences.tolist() as bigint[][])[0]!.map(Number);
    this.cache = { pastKeyValues: past_key_values, ids: sequence.slice(0, past_key_values.get_seq_length()) };
    speak(splitter.flush());
    const replyText = tokenizer.decode(sequence.slice(promptTokens), { skip_special_tokens: true });
    marks.replyWords = wordCount(replyText);
    this.messages.push({ role: 'assistant', content: replyText });
    await speaking;
    return marks;
  }
}
