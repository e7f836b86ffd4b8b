// Free of the runtime, so that the page can read what the TTS worker reports without bundling the synthesizer.

/** A synthesis's costs as a turn's timings: its text turned into phonemes and tokens, and the voice model's run. */
export function ttsTimings(timingsMs: Partial<Record<'normalize' | 'phonemize' | 'tokenize' | 'model', number>>): { ttsText: number; ttsModel: number } {
  return { ttsText: (timingsMs.normalize ?? 0) + (timingsMs.phonemize ?? 0) + (timingsMs.tokenize ?? 0), ttsModel: timingsMs.model ?? 0 };
}
