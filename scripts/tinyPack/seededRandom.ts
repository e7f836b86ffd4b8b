/** A tiny deterministic PRNG (mulberry32): the same seed gives the same weights on every machine. */
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
