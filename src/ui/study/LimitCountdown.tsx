import { useAppState } from '../assistantContext';
import { useEffect, useState } from 'react';

function minutesSeconds(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** What is left of the conversation: turns and time, whichever the study limits. */
export function LimitCountdown() {
  const limits = useAppState((s) => s.study.file?.limits);
  const endsAtMs = useAppState((s) => s.study.endsAtMs);
  const userTurnCount = useAppState((s) => s.dialogue.turns.filter((turn) => turn.kind === 'user').length);
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    if (endsAtMs === null) return;
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [endsAtMs]);
  if (!limits) return null;
  const parts: string[] = [];
  if (limits.maxTurns !== undefined) parts.push(`${Math.max(0, limits.maxTurns - userTurnCount)} of ${limits.maxTurns} turns left`);
  if (endsAtMs !== null) parts.push(`${minutesSeconds(endsAtMs - nowMs)} left`);
  return (
    <p className="study-countdown" data-testid="limit-countdown" aria-live="off">
      {parts.join(' · ')}
    </p>
  );
}
