// Gaussian draws for the barge-in harness from a seeded generator (scripts/tinyPack/seededRandom.ts).
/** Standard normal samples (Box-Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
