// English text -> IPA phonemes for Kokoro, via espeak-ng (the `phonemizer` package, GPL-3.0+ espeak-ng inside).
// The package embeds espeak-ng compiled to JavaScript (wasm2js) and its data as base64: it fetches nothing.
import { phonemize } from 'phonemizer';

/** espeak-ng's voice for American English, the accent of Kokoro's "a" voices. */
const ESPEAK_VOICE = 'en-us';

/** Punctuation Kokoro's vocabulary has and uses for prosody; espeak drops it, so it is put back around each run. */
const PROSODY_PUNCTUATION = /([.,!?;:\u2014\u2026]+)/;

/** espeak symbols outside Kokoro's English set, mapped to the nearest ones it was trained on. */
const KOKORO_SUBSTITUTES: [RegExp, string][] = [
  [/r/g, '\u0279'],
  [/x/g, 'k'],
  [/\u02b2/g, ''],
];

/** Phonemes of `text` (normalised for speech first), keeping sentence and clause punctuation; '' for blank text. */
export async function phonemizeEnglish(text: string): Promise<string> {
  const parts = text.split(PROSODY_PUNCTUATION);
  const phonemized = await Promise.all(
    parts.map(async (part, index) => {
      // Odd indices are the captured punctuation runs.
      if (index % 2 === 1) return part;
      if (part.trim() === '') return '';
      return (await phonemize(part, ESPEAK_VOICE)).join(' ');
    }),
  );
  let phonemes = '';
  phonemized.forEach((piece, index) => {
    if (piece === '') return;
    phonemes += index % 2 === 1 ? piece : `${phonemes === '' ? '' : ' '}${piece}`;
  });
  return KOKORO_SUBSTITUTES.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), phonemes).trim();
}
