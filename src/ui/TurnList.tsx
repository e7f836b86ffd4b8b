import { useAppState } from './assistantContext';
import type { TurnEndReason } from '../turns/turn';

const REASON_TEXT: Record<TurnEndReason, string> = {
  silence: 'pause',
  maxLength: 'split at 30 s',
  endOfStream: 'stopped',
  inputLost: 'mic lost',
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function TurnList() {
  const turns = useAppState((s) => s.turns);
  const misfires = useAppState((s) => s.misfires);

  return (
    <section className="turns" aria-label="Turns">
      <h2>Turns</h2>
      {turns.length === 0 ? (
        <p className="empty">No turns yet.</p>
      ) : (
        <table data-testid="turns">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Start</th>
              <th scope="col">Duration</th>
              <th scope="col">Energy</th>
              <th scope="col">Ended by</th>
            </tr>
          </thead>
          <tbody>
            {turns.map((turn) => (
              <tr key={turn.number} data-testid="turn-row" data-energy-db={turn.energyDb}>
                <td>{turn.number}</td>
                <td>{seconds(turn.startMs)}</td>
                <td>{seconds(turn.durationMs)}</td>
                <td>{turn.energyDb.toFixed(1)} dB</td>
                <td>{REASON_TEXT[turn.endReason]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {misfires > 0 && <p className="note">{misfires} sound(s) too short to count as a turn were ignored.</p>}
    </section>
  );
}
