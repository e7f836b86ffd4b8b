// A plain-text table per session of an export: one line per turn, for a first look at a study's log.
import type { ExportedSession } from './buildExport';

const HEADERS = ['turn', 'start s', 'dur s', 'energy dB', 'Δe dB', 'strategy', 'path', 'voice', 'asr ms', 'audio ms', 'reply'] as const;
const RIGHT_ALIGNED = new Set([0, 1, 2, 3, 4, 8, 9]);
const REPLY_CHARS = 40;

const fixed = (value: number | null, digits: number): string => (value === null ? '-' : value.toFixed(digits));

export function formatSessionTable(session: ExportedSession): string {
  const title = `${session.participantId} · condition ${session.condition.id} · ${session.startedAt} · ended: ${session.endReason ?? 'not ended'} · audio ${session.audioKept ? 'kept' : 'not kept'}`;
  if (session.turns.length === 0) return `${title}\n  no turns`;
  const rows = session.turns.map((turn) => [
    String(turn.turnNumber),
    (turn.user.startMs / 1000).toFixed(2),
    (turn.user.durationMs / 1000).toFixed(2),
    turn.user.energyDb.toFixed(1),
    fixed(turn.user.deltaDb, 1),
    turn.user.strategy,
    turn.reply?.path ?? '-',
    turn.voice ? `${turn.voice.strategyPreset} ${turn.voice.speed}x` : '-',
    fixed(turn.latenciesMs.transcription, 0),
    fixed(turn.latenciesMs.firstAudio, 0),
    turn.reply ? `${turn.reply.text.length > REPLY_CHARS ? `${turn.reply.text.slice(0, REPLY_CHARS - 1)}…` : turn.reply.text} (${turn.reply.outcome})` : '-',
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (RIGHT_ALIGNED.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [title, `  ${line(HEADERS)}`, ...rows.map((row) => `  ${line(row)}`)].join('\n');
}
