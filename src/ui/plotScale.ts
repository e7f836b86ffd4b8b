/** Maps a value range onto pixels, padding the range so flat data still shows. */
export function linearScale(min: number, max: number, fromPx: number, toPx: number): (value: number) => number {
  const span = max - min || 1;
  return (value) => fromPx + ((value - min) / span) * (toPx - fromPx);
}

/** Range of finite values, widened to at least `minSpan` around its centre. */
export function paddedRange(values: readonly number[], minSpan: number): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [-minSpan / 2, minSpan / 2];
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  if (high - low < minSpan) {
    const centre = (high + low) / 2;
    low = centre - minSpan / 2;
    high = centre + minSpan / 2;
  }
  return [Math.floor(low), Math.ceil(high)];
}
