/** Periodic Hann window (torch.hann_window(size, periodic=True)): w[n] = 0.5 - 0.5 cos(2 pi n / size), as Whisper uses. */
export function periodicHann(size: number): Float64Array {
  const window = new Float64Array(size);
  for (let n = 0; n < size; n++) window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / size);
  return window;
}
