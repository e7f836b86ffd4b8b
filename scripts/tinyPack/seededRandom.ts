// Seeded pseudo-random numbers for the tiny pack: the same seed gives the same weights on every machine.
// Two generators live here because the files already generated depend on each: Kokoro uses mulberry32
// (`seededRandom`), Whisper uses xorshift32 (`Xorshift32Random`). Replacing either would change the bytes of
// public/models/tiny and the sizes/hashes recorded in the manifest; prefer `seededRandom` for new code.

/** A tiny deterministic PRNG (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-scale, scale], drawn from `random`. */
export function uniformArray(random: () => number, length: number, scale: number): Float32Array {
  return Float32Array.from({ length }, () => (random() * 2 - 1) * scale);
}

/** FNV-1a hash of a string, used to seed per-name contents (e.g. one voice per name). */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Seeded xorshift32 generator (the tiny Whisper's weights); a stateful object rather than a function. */
export class Xorshift32Random {
  private state: number;

  constructor(seed: number) {
    // xorshift32 is stuck at zero, so a zero seed is replaced by a fixed odd constant.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A float uniformly distributed in [-amplitude, amplitude). */
  uniform(amplitude: number): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return (this.state / 0x1_0000_0000) * 2 * amplitude - amplitude;
  }

  /** `count` uniform floats in [-amplitude, amplitude). */
  array(count: number, amplitude: number): Float32Array {
    return Float32Array.from({ length: count }, () => this.uniform(amplitude));
  }
}
