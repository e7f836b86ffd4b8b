/** Seeded xorshift32 generator: the same seed gives the same weights on every machine. */
export class SeededRandom {
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
