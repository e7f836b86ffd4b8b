/** Sizes this FFT accepts: products of 2, 3, 4 and 5 (Whisper's 400 = 2 * 200, 200 = 4 * 2 * 5 * 5). */
const SUPPORTED_RADICES = [4, 2, 3, 5] as const;

function factorize(size: number): number[] {
  const radices: number[] = [];
  let rest = size;
  for (const radix of SUPPORTED_RADICES) {
    while (rest % radix === 0) {
      radices.push(radix);
      rest /= radix;
    }
  }
  if (rest !== 1) throw new Error(`FFT size ${size} must be a product of 2, 3 and 5`);
  return radices;
}

const SIN_60 = Math.sqrt(3) / 2;
const COS_72 = Math.cos((2 * Math.PI) / 5);
const COS_144 = Math.cos((4 * Math.PI) / 5);
const SIN_72 = Math.sin((2 * Math.PI) / 5);
const SIN_144 = Math.sin((4 * Math.PI) / 5);

/**
 * In-place complex FFT (forward, unscaled) of a mixed-radix size, Stockham autosort (no bit reversal).
 * Twiddles and scratch are built once; transform() allocates nothing.
 */
export class ComplexFft {
  readonly size: number;
  private readonly radices: readonly number[];
  /** Per stage, per (p, t>=1): cos and -sin of 2 pi p t / n, interleaved. */
  private readonly twiddles: Float64Array;
  private readonly twiddleOffsets: readonly number[];
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.radices = factorize(size);
    const offsets: number[] = [];
    let total = 0;
    let span = size;
    for (const radix of this.radices) {
      offsets.push(total);
      total += 2 * (span / radix) * (radix - 1);
      span /= radix;
    }
    this.twiddleOffsets = offsets;
    this.twiddles = new Float64Array(total);
    span = size;
    this.radices.forEach((radix, stage) => {
      const m = span / radix;
      let at = offsets[stage]!;
      for (let p = 0; p < m; p++) {
        for (let t = 1; t < radix; t++) {
          const angle = (2 * Math.PI * p * t) / span;
          this.twiddles[at++] = Math.cos(angle);
          this.twiddles[at++] = -Math.sin(angle);
        }
      }
      span = m;
    });
    this.scratchRe = new Float64Array(size);
    this.scratchIm = new Float64Array(size);
  }

  /** Forward DFT X[k] = sum x[n] exp(-2 pi i n k / size), in place on (re, im). */
  transform(re: Float64Array, im: Float64Array): void {
    let xr = re;
    let xi = im;
    let yr = this.scratchRe;
    let yi = this.scratchIm;
    let span = this.size;
    let stride = 1;
    for (let stage = 0; stage < this.radices.length; stage++) {
      const radix = this.radices[stage]!;
      const m = span / radix;
      const tw = this.twiddleOffsets[stage]!;
      if (radix === 4) this.radix4(xr, xi, yr, yi, m, stride, tw);
      else if (radix === 2) this.radix2(xr, xi, yr, yi, m, stride, tw);
      else if (radix === 3) this.radix3(xr, xi, yr, yi, m, stride, tw);
      else this.radix5(xr, xi, yr, yi, m, stride, tw);
      const tr = xr;
      const ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
      span = m;
      stride *= radix;
    }
    if (xr !== re) {
      re.set(xr);
      im.set(xi);
    }
  }

  private radix2(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, tw: number): void {
    const w = this.twiddles;
    for (let p = 0; p < m; p++) {
      const w1r = w[tw + 2 * p]!;
      const w1i = w[tw + 2 * p + 1]!;
      for (let q = 0; q < s; q++) {
        const i0 = q + s * p;
        const i1 = i0 + s * m;
        const a0r = xr[i0]!, a0i = xi[i0]!, a1r = xr[i1]!, a1i = xi[i1]!;
        const o = q + s * 2 * p;
        yr[o] = a0r + a1r;
        yi[o] = a0i + a1i;
        const br = a0r - a1r, bi = a0i - a1i;
        yr[o + s] = br * w1r - bi * w1i;
        yi[o + s] = br * w1i + bi * w1r;
      }
    }
  }

  private radix3(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, tw: number): void {
    const w = this.twiddles;
    for (let p = 0; p < m; p++) {
      const t = tw + 4 * p;
      const w1r = w[t]!, w1i = w[t + 1]!, w2r = w[t + 2]!, w2i = w[t + 3]!;
      for (let q = 0; q < s; q++) {
        const i0 = q + s * p;
        const i1 = i0 + s * m;
        const i2 = i1 + s * m;
        const a0r = xr[i0]!, a0i = xi[i0]!;
        const sr = xr[i1]! + xr[i2]!, si = xi[i1]! + xi[i2]!;
        const dr = xr[i1]! - xr[i2]!, di = xi[i1]! - xi[i2]!;
        const mr = a0r - 0.5 * sr, mi = a0i - 0.5 * si;
        // -i * sin60 * (a1 - a2)
        const nr = SIN_60 * di, ni = -SIN_60 * dr;
        const o = q + s * 3 * p;
        yr[o] = a0r + sr;
        yi[o] = a0i + si;
        const b1r = mr + nr, b1i = mi + ni;
        const b2r = mr - nr, b2i = mi - ni;
        yr[o + s] = b1r * w1r - b1i * w1i;
        yi[o + s] = b1r * w1i + b1i * w1r;
        yr[o + 2 * s] = b2r * w2r - b2i * w2i;
        yi[o + 2 * s] = b2r * w2i + b2i * w2r;
      }
    }
  }

  private radix4(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, tw: number): void {
    const w = this.twiddles;
    for (let p = 0; p < m; p++) {
      const t = tw + 6 * p;
      const w1r = w[t]!, w1i = w[t + 1]!, w2r = w[t + 2]!, w2i = w[t + 3]!, w3r = w[t + 4]!, w3i = w[t + 5]!;
      for (let q = 0; q < s; q++) {
        const i0 = q + s * p;
        const i1 = i0 + s * m;
        const i2 = i1 + s * m;
        const i3 = i2 + s * m;
        const a0r = xr[i0]!, a0i = xi[i0]!, a1r = xr[i1]!, a1i = xi[i1]!;
        const a2r = xr[i2]!, a2i = xi[i2]!, a3r = xr[i3]!, a3i = xi[i3]!;
        const s02r = a0r + a2r, s02i = a0i + a2i, d02r = a0r - a2r, d02i = a0i - a2i;
        const s13r = a1r + a3r, s13i = a1i + a3i, d13r = a1r - a3r, d13i = a1i - a3i;
        const o = q + s * 4 * p;
        yr[o] = s02r + s13r;
        yi[o] = s02i + s13i;
        // b1 = (a0 - a2) - i (a1 - a3); b3 = (a0 - a2) + i (a1 - a3)
        const b1r = d02r + d13i, b1i = d02i - d13r;
        const b2r = s02r - s13r, b2i = s02i - s13i;
        const b3r = d02r - d13i, b3i = d02i + d13r;
        yr[o + s] = b1r * w1r - b1i * w1i;
        yi[o + s] = b1r * w1i + b1i * w1r;
        yr[o + 2 * s] = b2r * w2r - b2i * w2i;
        yi[o + 2 * s] = b2r * w2i + b2i * w2r;
        yr[o + 3 * s] = b3r * w3r - b3i * w3i;
        yi[o + 3 * s] = b3r * w3i + b3i * w3r;
      }
    }
  }

  private radix5(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, tw: number): void {
    const w = this.twiddles;
    for (let p = 0; p < m; p++) {
      const t = tw + 8 * p;
      const w1r = w[t]!, w1i = w[t + 1]!, w2r = w[t + 2]!, w2i = w[t + 3]!;
      const w3r = w[t + 4]!, w3i = w[t + 5]!, w4r = w[t + 6]!, w4i = w[t + 7]!;
      for (let q = 0; q < s; q++) {
        const i0 = q + s * p;
        const i1 = i0 + s * m;
        const i2 = i1 + s * m;
        const i3 = i2 + s * m;
        const i4 = i3 + s * m;
        const a0r = xr[i0]!, a0i = xi[i0]!;
        const s14r = xr[i1]! + xr[i4]!, s14i = xi[i1]! + xi[i4]!;
        const d14r = xr[i1]! - xr[i4]!, d14i = xi[i1]! - xi[i4]!;
        const s23r = xr[i2]! + xr[i3]!, s23i = xi[i2]! + xi[i3]!;
        const d23r = xr[i2]! - xr[i3]!, d23i = xi[i2]! - xi[i3]!;
        const c1r = a0r + COS_72 * s14r + COS_144 * s23r, c1i = a0i + COS_72 * s14i + COS_144 * s23i;
        const c2r = a0r + COS_144 * s14r + COS_72 * s23r, c2i = a0i + COS_144 * s14i + COS_72 * s23i;
        // e1 = sin72 d14 + sin144 d23, e2 = sin144 d14 - sin72 d23; b1,4 = c1 -/+ i e1; b2,3 = c2 -/+ i e2
        const e1r = SIN_72 * d14r + SIN_144 * d23r, e1i = SIN_72 * d14i + SIN_144 * d23i;
        const e2r = SIN_144 * d14r - SIN_72 * d23r, e2i = SIN_144 * d14i - SIN_72 * d23i;
        const o = q + s * 5 * p;
        yr[o] = a0r + s14r + s23r;
        yi[o] = a0i + s14i + s23i;
        const b1r = c1r + e1i, b1i = c1i - e1r;
        const b4r = c1r - e1i, b4i = c1i + e1r;
        const b2r = c2r + e2i, b2i = c2i - e2r;
        const b3r = c2r - e2i, b3i = c2i + e2r;
        yr[o + s] = b1r * w1r - b1i * w1i;
        yi[o + s] = b1r * w1i + b1i * w1r;
        yr[o + 2 * s] = b2r * w2r - b2i * w2i;
        yi[o + 2 * s] = b2r * w2i + b2i * w2r;
        yr[o + 3 * s] = b3r * w3r - b3i * w3i;
        yi[o + 3 * s] = b3r * w3i + b3i * w3r;
        yr[o + 4 * s] = b4r * w4r - b4i * w4i;
        yi[o + 4 * s] = b4r * w4i + b4i * w4r;
      }
    }
  }
}

/**
 * One-sided power spectrum |X[k]|^2, k = 0..size/2, of a real frame of even size,
 * via one complex FFT of size/2 on (even, odd) samples and a split step.
 */
export class RealPowerSpectrum {
  readonly size: number;
  readonly binCount: number;
  private readonly half: number;
  private readonly fft: ComplexFft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly splitCos: Float64Array;
  private readonly splitSin: Float64Array;

  constructor(size: number) {
    if (size % 2 !== 0) throw new Error(`real FFT size ${size} must be even`);
    this.size = size;
    this.half = size / 2;
    this.binCount = this.half + 1;
    this.fft = new ComplexFft(this.half);
    this.re = new Float64Array(this.half);
    this.im = new Float64Array(this.half);
    this.splitCos = new Float64Array(this.binCount);
    this.splitSin = new Float64Array(this.binCount);
    for (let k = 0; k < this.binCount; k++) {
      this.splitCos[k] = Math.cos((2 * Math.PI * k) / size);
      this.splitSin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /** Writes |X[k]|^2 for k = 0..size/2 of the real `frame` (length size) into `outPower`. */
  compute(frame: Float64Array | Float32Array, outPower: Float64Array | Float32Array): void {
    const { re, im, half } = this;
    for (let n = 0; n < half; n++) {
      re[n] = frame[2 * n]!;
      im[n] = frame[2 * n + 1]!;
    }
    this.fft.transform(re, im);
    for (let k = 0; k <= half; k++) {
      const a = k === half ? 0 : k;
      const b = k === 0 ? 0 : half - k;
      const zr = re[a]!, zi = im[a]!, cr = re[b]!, ci = -im[b]!;
      // even part E = (Z[k] + conj Z[half-k]) / 2, odd part O = (Z[k] - conj Z[half-k]) / 2i
      const er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci), oi = -0.5 * (zr - cr);
      // X[k] = E + O * exp(-2 pi i k / size)
      const wr = this.splitCos[k]!, wi = -this.splitSin[k]!;
      const xr = er + or * wr - oi * wi;
      const xi = ei + or * wi + oi * wr;
      outPower[k] = xr * xr + xi * xi;
    }
  }
}
