import type { BargeInAnalysis } from '../../src/turns/bargeIn/analyzeBargeIn';

const ms = (value: number | null): string => (value === null ? '-' : `${value.toFixed(0)} ms`);

/** The analysis for a reader: barge-ins, ducks, kept and dropped turns, the learned echo path and what the canceller removed. */
export function formatBargeInReport({ bargeIns, ducks, turns, echoTurns, echoPath, canceller }: BargeInAnalysis): string {
  const lines = [
    `echo path: delay ${ms(echoPath.delayMs)}, gain left after the canceller ${echoPath.gainDb.toFixed(1)} dB`,
    `echo canceller: ${canceller.bulkDelaySamples === null ? 'never started (no delay found)' : `ERLE ${canceller.erleDb.toFixed(1)} dB, ${canceller.adaptedBlocks} blocks learned, ${canceller.frozenBlocks} held for double talk, ${canceller.rolledBackBlocks} taken back`}`,
    `barge-ins: ${bargeIns.length}`,
    ...bargeIns.map(({ atMs, confirmedMs }) => `  onset ${ms(atMs)}, confirmed ${ms(confirmedMs)}`),
    `ducks: ${ducks.length}`,
    ...ducks.map(({ atMs, restoredMs }) => `  ducked ${ms(atMs)}, restored ${restoredMs === null ? 'never (stopped)' : ms(restoredMs)}`),
    `turns kept: ${turns.length}, dropped as echo: ${echoTurns.length}`,
  ];
  return `${lines.join('\n')}\n`;
}
