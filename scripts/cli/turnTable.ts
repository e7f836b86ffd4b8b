import type { Strategy } from '../../src/conversation/strategy';

/** The fields of a turn the table shows. */
export interface TurnRow {
  startMs: number;
  endMs: number;
  energyDb: number;
  endReason: string;
}

const HEADERS = ['turn', 'start', 'end', 'duration', 'energy dB', 'end reason'] as const;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/** A table with right-aligned numbers and a left-aligned end reason, one line per turn. */
export function formatTurnTable(turns: readonly TurnRow[]): string {
  if (turns.length === 0) return 'no turns found';
  const rows = turns.map((turn, k) => [
    String(k + 1),
    seconds(turn.startMs),
    seconds(turn.endMs),
    seconds(turn.endMs - turn.startMs),
    turn.energyDb.toFixed(1),
    turn.endReason,
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return column === cells.length - 1 ? cell : cell.padStart(width);
      })
      .join('  ');
  return [line(HEADERS), ...rows.map(line)].join('\n');
}

export function formatStrategyLine(strategy: Strategy, deltaDb: number | null): string {
  const delta = deltaDb === null ? 'no delta: fewer than 2 turns' : `delta ${deltaDb.toFixed(1)} dB`;
  return `strategy: ${strategy} (${delta})`;
}
