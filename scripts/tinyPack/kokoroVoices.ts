import { KOKORO_STYLE_DIM } from './kokoroGraph';
import { hashString, seededRandom } from './seededRandom';

/** Rows of a voice file: one style per phoneme count (0..509), as the real voices/*.bin. */
export const KOKORO_VOICE_ROWS = 510;
/** Real Kokoro voice names (American/British, female/male). */
export const KOKORO_VOICE_NAMES = ['af_heart', 'af_bella', 'am_michael', 'bf_emma'] as const;

/** voices/<name>.bin: float32 [510, 1, 256]; a per-name base style (spread ~0.15 like the real ones) drifting slowly with the row. */
export function kokoroVoice(name: string): Float32Array {
  const random = seededRandom(hashString(name));
  const base = Array.from({ length: KOKORO_STYLE_DIM }, () => (random() + random() + random() - 1.5) * 0.3);
  const voice = new Float32Array(KOKORO_VOICE_ROWS * KOKORO_STYLE_DIM);
  for (let row = 0; row < KOKORO_VOICE_ROWS; row++)
    base.forEach((value, j) => (voice[row * KOKORO_STYLE_DIM + j] = value + 0.02 * Math.sin(0.05 * row + j)));
  return voice;
}
