import { useEffect, useRef } from 'react';
import type { AppState } from '../state/store';
import { useAssistant } from './assistantContext';

/** dB range the meter spans: frame energy of the power mel, where close speech peaks near +10 dB. */
const FLOOR_DB = -70;
const CEILING_DB = 20;

function meterLabel(levelDb: number): string {
  if (!Number.isFinite(levelDb)) return '–';
  return levelDb < FLOOR_DB ? 'silence' : `${levelDb.toFixed(0)} dB`;
}

/** The value a meter may report: its range clamps the level, silence (-Infinity) included. */
function meterValueDb(levelDb: number): number {
  return Math.round(Math.min(CEILING_DB, Math.max(FLOOR_DB, Number.isFinite(levelDb) ? levelDb : FLOOR_DB)));
}

interface LevelMeterProps {
  label: string;
  /** Which level to show: the microphone's or the voice's. */
  level: (state: AppState) => number;
  testId: string;
}

/** Transient meter: writes the DOM from a store subscription, never re-rendering React per batch. */
export function LevelMeter({ label, level, testId }: LevelMeterProps) {
  const { store } = useAssistant();
  const barRef = useRef<HTMLDivElement>(null);
  const labelRef = useRef<HTMLSpanElement>(null);
  const meterRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let frame = 0;
    const paint = (levelDb: number) => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const fraction = Math.min(1, Math.max(0, (levelDb - FLOOR_DB) / (CEILING_DB - FLOOR_DB)));
        if (barRef.current) barRef.current.style.transform = `scaleX(${fraction})`;
        if (labelRef.current) labelRef.current.textContent = meterLabel(levelDb);
        // Screen readers read the meter's value on demand; they do not announce every change.
        if (meterRef.current) {
          meterRef.current.setAttribute('aria-valuenow', String(meterValueDb(levelDb)));
          meterRef.current.setAttribute('aria-valuetext', meterLabel(levelDb));
        }
      });
    };
    paint(level(store.getState()));
    const unsubscribe = store.subscribe((state, previous) => {
      if (level(state) !== level(previous)) paint(level(state));
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [level, store]);

  return (
    <div
      className="meter"
      role="meter"
      aria-label={`${label} level`}
      aria-valuemin={FLOOR_DB}
      aria-valuemax={CEILING_DB}
      aria-valuenow={FLOOR_DB}
      aria-valuetext="–"
      ref={meterRef}
      data-testid={testId}
    >
      <span className="meter-name" aria-hidden="true">
        {label}
      </span>
      <div className="meter-track">
        <div className="meter-bar" ref={barRef} />
      </div>
      <span className="meter-label" ref={labelRef} aria-hidden="true">
        –
      </span>
    </div>
  );
}
