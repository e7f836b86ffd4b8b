import { useAppState } from './assistantContext';
import { linearScale, paddedRange } from './plotScale';

const WIDTH_PX = 320;
const HEIGHT_PX = 140;
const MARGIN_PX = { left: 40, right: 10, top: 10, bottom: 22 };
/** Frames per second of the energy trace. */
const FRAME_RATE_HZ = 100;

function Axes({ lowDb, highDb, xLabel }: { lowDb: number; highDb: number; xLabel: string }) {
  const bottom = HEIGHT_PX - MARGIN_PX.bottom;
  return (
    <g className="axes">
      <line x1={MARGIN_PX.left} y1={MARGIN_PX.top} x2={MARGIN_PX.left} y2={bottom} />
      <line x1={MARGIN_PX.left} y1={bottom} x2={WIDTH_PX - MARGIN_PX.right} y2={bottom} />
      <text x={MARGIN_PX.left - 4} y={MARGIN_PX.top + 8} textAnchor="end">
        {highDb}
      </text>
      <text x={MARGIN_PX.left - 4} y={bottom} textAnchor="end">
        {lowDb}
      </text>
      <text x={(WIDTH_PX + MARGIN_PX.left) / 2} y={HEIGHT_PX - 4} textAnchor="middle">
        {xLabel}
      </text>
    </g>
  );
}

/** The dialogue's energy trajectory: one point per turn, and the frame trace of the latest turn. */
export function EnergyPlot() {
  const turns = useAppState((s) => s.turns);
  const latest = turns.at(-1);
  const meansDb = turns.map((turn) => turn.energyDb);
  const [meanLow, meanHigh] = paddedRange(meansDb, 12);
  const meanX = linearScale(1, Math.max(2, turns.length), MARGIN_PX.left + 12, WIDTH_PX - MARGIN_PX.right - 12);
  const meanY = linearScale(meanLow, meanHigh, HEIGHT_PX - MARGIN_PX.bottom, MARGIN_PX.top);

  const traceDb = latest?.frameEnergyDb ?? [];
  const [traceLow, traceHigh] = paddedRange(traceDb, 20);
  const traceX = linearScale(0, Math.max(1, traceDb.length - 1), MARGIN_PX.left, WIDTH_PX - MARGIN_PX.right);
  const traceY = linearScale(traceLow, traceHigh, HEIGHT_PX - MARGIN_PX.bottom, MARGIN_PX.top);
  const tracePoints = traceDb.map((db, i) => `${traceX(i).toFixed(1)},${traceY(Math.max(db, traceLow)).toFixed(1)}`).join(' ');

  return (
    <section className="energy" aria-label="Energy trajectory">
      <h2>Energy trajectory</h2>
      <div className="plots">
        <figure>
          <svg viewBox={`0 0 ${WIDTH_PX} ${HEIGHT_PX}`} role="img" aria-label={`Turn energies in dB: ${meansDb.map((db) => db.toFixed(1)).join(', ') || 'none yet'}`}>
            <Axes lowDb={meanLow} highDb={meanHigh} xLabel="turn" />
            <polyline className="mean-line" points={meansDb.map((db, i) => `${meanX(i + 1)},${meanY(db)}`).join(' ')} />
            {meansDb.map((db, i) => (
              <circle key={i} className="mean-dot" cx={meanX(i + 1)} cy={meanY(db)} r={4}>
                <title>{`turn ${i + 1}: ${db.toFixed(1)} dB`}</title>
              </circle>
            ))}
          </svg>
          <figcaption>Mean energy per turn (dB)</figcaption>
        </figure>
        <figure>
          <svg viewBox={`0 0 ${WIDTH_PX} ${HEIGHT_PX}`} role="img" aria-label={latest ? `Frame energy of turn ${latest.number}` : 'No turn yet'}>
            <Axes lowDb={traceLow} highDb={traceHigh} xLabel={latest ? `${(traceDb.length / FRAME_RATE_HZ).toFixed(1)} s of speech` : 'time'} />
            <polyline className="trace-line" points={tracePoints} />
          </svg>
          <figcaption>{latest ? `Frame energy, turn ${latest.number} (dB)` : 'Frame energy of the latest turn'}</figcaption>
        </figure>
      </div>
    </section>
  );
}
