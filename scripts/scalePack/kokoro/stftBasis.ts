// The DFT bases of Kokoro's conv-based STFT and inverse STFT (periodic Hann window), as its ONNX export computes them.

/** Periodic Hann window of `length` samples. */
export function hannWindow(length: number): Float32Array {
  return Float32Array.from({ length }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length));
}

/** Forward bases [bins, 1, nFft]: real = w cos, imag = -w sin, so conv1d over a frame gives its one-sided DFT. */
export function forwardBasis(nFft: number): { real: Float32Array; imag: Float32Array } {
  const bins = nFft / 2 + 1;
  const window = hannWindow(nFft);
  const real = new Float32Array(bins * nFft);
  const imag = new Float32Array(bins * nFft);
  for (let k = 0; k < bins; k++)
    for (let n = 0; n < nFft; n++) {
      real[k * nFft + n] = window[n]! * Math.cos((2 * Math.PI * k * n) / nFft);
      imag[k * nFft + n] = -window[n]! * Math.sin((2 * Math.PI * k * n) / nFft);
    }
  return { real, imag };
}

/**
 * Inverse bases [bins, 1, nFft] for conv_transpose1d: the one-sided inverse DFT (bins 1..N/2-1 counted twice) times
 * the synthesis window, divided by the Hann^2 overlap sum at this hop, so inverse(forward(x)) = x away from the edges.
 */
export function inverseBasis(nFft: number, hop: number): { real: Float32Array; imag: Float32Array } {
  const bins = nFft / 2 + 1;
  const window = hannWindow(nFft);
  let overlap = 0;
  for (let n = 0; n < nFft; n += hop) overlap += window[n]! ** 2;
  const real = new Float32Array(bins * nFft);
  const imag = new Float32Array(bins * nFft);
  for (let k = 0; k < bins; k++) {
    const weight = k === 0 || k === nFft / 2 ? 1 : 2;
    for (let n = 0; n < nFft; n++) {
      const gain = (weight * window[n]!) / (nFft * overlap);
      real[k * nFft + n] = gain * Math.cos((2 * Math.PI * k * n) / nFft);
      imag[k * nFft + n] = -gain * Math.sin((2 * Math.PI * k * n) / nFft);
    }
  }
  return { real, imag };
}
