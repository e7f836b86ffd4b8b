// Growth judged from the late part of a soak run, where start-up transients (wasm tier-up) are over.

export interface Point {
  turn: number;
  bytes: number;
}

/** Least-squares slope in bytes per turn; needs at least two distinct turns. */
export function slopePerTurn(points: Point[]): number {
  if (new Set(points.map((point) => point.turn)).size < 2) throw new Error(`a slope needs samples at two or more turns, got ${points.length}`);
  const meanTurn = points.reduce((sum, point) => sum + point.turn, 0) / points.length;
  const meanBytes = points.reduce((sum, point) => sum + point.bytes, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  for (const { turn, bytes } of points) {
    covariance += (turn - meanTurn) * (bytes - meanBytes);
    variance += (turn - meanTurn) ** 2;
  }
  return covariance / variance;
}

/** The samples from the middle of the run on (at least the last two), in turn order. */
export function lateHalf(points: Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.turn - b.turn);
  const middleTurn = sorted.at(-1)!.turn / 2;
  const late = sorted.filter((point) => point.turn >= middleTurn);
  return late.length >= 2 ? late : sorted.slice(-2);
}
