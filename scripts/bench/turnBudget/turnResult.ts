import { splitStages, type TimelineInterval } from './stageSplit';

/** One timed turn, as bench:turn's JSON gives it. */
export interface TurnResult {
  /** From the last voiced sample of the user's speech to the first reply audio (played, in the page; synthesized, in Node). */
  endOfSpeechToFirstAudioMs: number;
  /** The same time split by stage; the stages sum to it. */
  stagesMs: Record<string, number>;
  promptTokens: number | null;
  /** Of the prompt's tokens, those the model ran for this reply (the rest came from its KV cache). */
  prefilledTokens: number | null;
  /** Tokens the ASR decoder wrote. */
  asrTokens: number | null;
  /** Words of the reply the model was made to write (the fixed reply, cut at the reply's token cap); null where not known. */
  replyWords: number | null;
  /** Of the end-of-turn wait, the time the page's speculative end of turn spent on the turn's ASR and prefill; null where it does not run. */
  speculativeHiddenMs: number | null;
}

/** Where a turn's time went, on one clock (performance.now() of one process, or of the page). */
export interface TurnMarks {
  /** The user's last voiced sample reached the microphone. */
  speechEndAtMs: number;
  /** The turn left the listener (end of turn decided). */
  handedAtMs: number;
  /** Its transcript was in. */
  transcribedAtMs: number;
  /** The reply's first text arrived (words out of the LLM). */
  firstTextAtMs: number;
  /** The first chunk of the reply went to the TTS. */
  firstClauseAtMs: number;
  /** That chunk's audio came back. */
  firstAudioAtMs: number;
  /** It started playing (the page only). */
  playbackAtMs?: number;
}

/** Durations measured inside the stages (by the ASR and the LLM themselves); absent ones count as 0. */
export interface InnerTimings {
  asrEncoderMs?: number;
  asrDecodingMs?: number;
  /** The speech path's encoder (front, Whisper, adapter): between the transcript and the prompt. */
  speechEncoderMs?: number;
  promptBuildMs?: number;
  prefillMs?: number;
  /** The first chunk's synthesis as the TTS measured it: text to phoneme tokens, and the voice model. */
  ttsTextMs?: number;
  ttsModelMs?: number;
}

/**
 * The stages of one turn: end-of-turn wait, ASR encoder and decoding (and what else the ASR step took), speech encoder,
 * prompt build, prefill, first token (the rest until the first words: sampling, hand-overs), first clause, the TTS's
 * first chunk (its text and model steps, and what they leave: queueing and hand-overs), playback start.
 */
export function turnStages(marks: TurnMarks, inner: InnerTimings): { totalMs: number; stagesMs: Record<string, number> } {
  const intervals: TimelineInterval[] = [
    { stage: 'endOfTurnWait', endMs: marks.handedAtMs },
    { stage: 'asrOther', endMs: marks.transcribedAtMs, parts: [['asrEncoder', inner.asrEncoderMs ?? 0], ['asrDecoding', inner.asrDecodingMs ?? 0]] },
    { stage: 'firstToken', endMs: marks.firstTextAtMs, parts: [['speechEncoder', inner.speechEncoderMs ?? 0], ['promptBuild', inner.promptBuildMs ?? 0], ['prefill', inner.prefillMs ?? 0]] },
    { stage: 'firstClause', endMs: marks.firstClauseAtMs },
    { stage: 'ttsWait', endMs: marks.firstAudioAtMs, parts: [['ttsText', inner.ttsTextMs ?? 0], ['ttsModel', inner.ttsModelMs ?? 0]] },
    ...(marks.playbackAtMs === undefined ? [] : [{ stage: 'playbackStart', endMs: marks.playbackAtMs }]),
  ];
  return splitStages(marks.speechEndAtMs, intervals);
}

/**
 * The LLM's own timings as inner stages: prompt build (with the speech path's embedding and cross-attention) and the
 * prefill, the rest of the time to its first sampled token.
 */
export function llmInnerTimings(timingsMs: Record<string, number>): Pick<InnerTimings, 'promptBuildMs' | 'prefillMs' | 'speechEncoderMs'> {
  const promptBuildMs = (timingsMs.promptBuild ?? 0) + (timingsMs.embed ?? 0) + (timingsMs.crossAttention ?? 0);
  const prefillMs = timingsMs.firstToken !== undefined ? Math.max(0, timingsMs.firstToken - promptBuildMs) : (timingsMs.prompt ?? 0);
  const speechEncoderMs = (timingsMs.speechFront ?? 0) + (timingsMs.speechWhisper ?? 0) + (timingsMs.speechAdapter ?? 0);
  return { promptBuildMs, prefillMs, speechEncoderMs };
}
