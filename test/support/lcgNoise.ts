/** Deterministic uniform noise in [-1, 1) from a linear congruential generator: the same test signal on every run. */
export function lcgNoise(length: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

/** The same noise as float32 samples. */
export function lcgNoise32(length: number, seed: number): Float32Array {
  return Float32Array.from(lcgNoise(length, seed));
}
