import { useAppState } from './assistantContext';
import type { Strategy } from '../conversation/strategy';

const EXPLANATION: Record<Strategy, string> = {
  comfort: 'Energy fell: the reply would be comforting, slower and warmer.',
  encourage: 'Energy rose: the reply would be encouraging, at normal speed.',
  neutral: 'Energy is steady: the reply would be natural.',
};

export function StrategyCard() {
  const strategy = useAppState((s) => s.strategy);
  const deltaDb = useAppState((s) => s.deltaDb);
  const tauDb = useAppState((s) => s.settings.tauDb);
  const turnCount = useAppState((s) => s.turns.length);

  return (
    <section className={`strategy strategy-${strategy}`} aria-label="Speaking strategy">
      <h2>Strategy</h2>
      <p className="strategy-name" data-testid="strategy" data-strategy={strategy}>
        {strategy}
      </p>
      <p className="strategy-delta" data-testid="delta">
        {deltaDb === null ? `Δe needs two turns (${turnCount} so far)` : `Δe = ${deltaDb >= 0 ? '+' : ''}${deltaDb.toFixed(1)} dB (τ = ${tauDb} dB)`}
      </p>
      <p className="strategy-why">{EXPLANATION[strategy]}</p>
    </section>
  );
}
