import { useEffect, useRef } from 'react';
import type { AppState } from '../state/store';
import { useAssistant } from './assistantContext';
import { METER_CEILING_DB, METER_FLOOR_DB, meterFraction, meterNeedsRepaint, meterShownDb, meterValueDb } from './meterScale';

function meterLabel(levelDb: number): string {
  if (!Number.isFinite(levelDb)) return '–';
  return levelDb <= METER_FLOOR_DB ? 'silence' : `${meterValueDb(levelDb)} dB`;
}

interface LevelMeterProps {
  label: string;
  /** Which level to show: the microphone's or the voice's. */
  level: (state: AppState) => number;
  testId: string;
}

/** Transient meter: writes the DOM from a store subscription, never re-rendering React per batch, and only for a visible change. */
export function LevelMeter({ label, level, testId }: LevelMeterProps) {
  const { store } = useAssistant();
  const barRef = useRef<HTMLDivElement>(null);
  const labelRef = useRef<HTMLSpanElement>(null);
  const meterRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let frame = 0;
    let shownDb: number | null = null;
    const paint = (levelDb: number) => {
      cancelAnimationFrame(frame);
      if (!meterNeedsRepaint(shownDb, levelDb)) return;
      frame = requestAnimationFrame(() => {
        shownDb = meterShownDb(levelDb);
        const valueDb = meterValueDb(levelDb);
        const text = meterLabel(levelDb);
        if (barRef.current) barRef.current.style.transform = `scaleX(${meterFraction(valueDb)})`;
        if (labelRef.current) labelRef.current.textContent = text;
        // Screen readers read the meter's value on demand; they do not announce every change.
        if (meterRef.current) {
          meterRef.current.setAttribute('aria-valuenow', String(valueDb));
          meterRef.current.setAttribute('aria-valuetext', text);
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
      aria-valuemin={METER_FLOOR_DB}
      aria-valuemax={METER_CEILING_DB}
      aria-valuenow={METER_FLOOR_DB}
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
