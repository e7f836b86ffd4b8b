import { useEffect, useRef } from 'react';
import { useStore, type AppState } from '../state/store';

/** dB range the meter spans: frame energy of the power mel, where close speech peaks near +10 dB. */
const FLOOR_DB = -70;
const CEILING_DB = 20;

function meterLabel(levelDb: number): string {
  if (!Number.isFinite(levelDb)) return '–';
  return levelDb < FLOOR_DB ? 'silence' : `${levelDb.toFixed(0)} dB`;
}

interface LevelMeterProps {
  label: string;
  /** Which level to show: the microphone's or the voice's. */
  level: (state: AppState) => number;
  testId: string;
}

/** Transient meter: writes the DOM from a store subscription, never re-rendering React per batch. */
export function LevelMeter({ label, level, testId }: LevelMeterProps) {
  const barRef = useRef<HTMLDivElement>(null);
  const labelRef = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    let frame = 0;
    const paint = (levelDb: number) => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const fraction = Math.min(1, Math.max(0, (levelDb - FLOOR_DB) / (CEILING_DB - FLOOR_DB)));
        if (barRef.current) barRef.current.style.transform = `scaleX(${fraction})`;
        if (labelRef.current) labelRef.current.textContent = meterLabel(levelDb);
      });
    };
    paint(level(useStore.getState()));
    const unsubscribe = useStore.subscribe((state, previous) => {
      if (level(state) !== level(previous)) paint(level(state));
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [level]);

  return (
    <div className="meter" role="img" aria-label={label} data-testid={testId}>
      <span className="meter-name">{label}</span>
      <div className="meter-track">
        <div className="meter-bar" ref={barRef} />
      </div>
      <span className="meter-label" ref={labelRef} aria-hidden="true">
        –
      </span>
    </div>
  );
}
