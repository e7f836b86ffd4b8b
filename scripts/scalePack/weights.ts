// Seeded random weights for the scale packs: fast enough for half a billion values, identical on every machine.

/** xorshift32 filling whole typed arrays; a per-tensor seed keeps each tensor's bytes independent of generation order. */
export class WeightRandom {
  private state: number;

  constructor(seed: number) {
    // xorshift32 is stuck at zero, so a zero seed is replaced by a fixed odd constant.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  private next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** `count` floats uniform in [-amplitude, amplitude). */
  floats(count: number, amplitude: number): Float32Array {
    const out = new Float32Array(count);
    const scale = (2 * amplitude) / 0x1_0000_0000;
    for (let i = 0; i < count; i++) out[i] = this.next() * scale - amplitude;
    return out;
  }

  /** `count` random bytes (packed 4- or 8-bit weights: every code is a valid weight). */
  bytes(count: number): Uint8Array {
    const out = new Uint8Array(count);
    const words = Math.floor(count / 4);
    const view = new Uint32Array(out.buffer, 0, words);
    for (let i = 0; i < words; i++) view[i] = this.next();
    for (let i = words * 4; i < count; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

/** FNV-1a of a tensor name mixed with the pack's seed: one generator per tensor. */
export function tensorSeed(packSeed: number, name: string): number {
  let hash = 0x811c9dc5 ^ packSeed;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

const FLOAT32 = new Float32Array(1);
const UINT32 = new Uint32Array(FLOAT32.buffer);

/** IEEE half-precision bits of `value` (round to nearest even; overflow to infinity, tiny values to zero or subnormals). */
export function float16Bits(value: number): number {
  FLOAT32[0] = value;
  const bits = UINT32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent >= 0x1f) return sign | 0x7c00 | (((bits >>> 23) & 0xff) === 0xff && mantissa !== 0 ? 0x200 : 0);
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - exponent;
    const half = full >>> shift;
    const remainder = full & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (remainder > midpoint || (remainder === midpoint && (half & 1) === 1) ? half + 1 : half);
  }
  const half = (exponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  return sign | (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1) ? half + 1 : half);
}

/** A float32 array as float16 bits. */
export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float16Bits(values[i]!);
  return out;
}
