/** Formants (Hz) of the vowels /a/, /i/, /u/ (Peterson & Barney's adult male means, rounded). */
const VOWEL_FORMANTS_HZ = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [300, 870, 2240],
] as const;
const SYLLABLE_S = 0.3;
const FORMANT_WIDTH_HZ = 120;

/**
 * A deterministic speech-like clip for Whisper's self-check: syllables of /a/ /i/ /u/ on a gliding 110-140 Hz
 * voice, each a harmonic series shaped by its vowel's formants and faded in and out. What the self-check needs is
 * an input the encoder treats as voice, so that both backends' transcript tokens reflect its real path.
 */
export function voicedClip(sampleRate: number, durationS: number): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * durationS));
  let phase = 0;
  for (let n = 0; n < out.length; n++) {
    const t = n / sampleRate;
    const syllable = Math.floor(t / SYLLABLE_S);
    const within = (t % SYLLABLE_S) / SYLLABLE_S;
    const pitchHz = 110 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * pitchHz) / sampleRate;
    const formants = VOWEL_FORMANTS_HZ[syllable % VOWEL_FORMANTS_HZ.length]!;
    let value = 0;
    for (let h = 1; h * pitchHz < sampleRate / 2 && h <= 40; h++) {
      const gain = formants.reduce((sum, f) => sum + Math.exp(-(((h * pitchHz - f) / FORMANT_WIDTH_HZ) ** 2)), 0);
      value += (gain * Math.sin(h * phase)) / Math.sqrt(h);
    }
    out[n] = 0.1 * value * Math.sin(Math.PI * within) ** 2;
  }
  return out;
}
