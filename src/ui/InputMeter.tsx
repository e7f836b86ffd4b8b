import { useEffect, useRef } from 'react';
import { useStore } from '../state/store';

/** dB range the meter spans: frame energy of the power mel, where close speech peaks near +10 dB. */
const FLOOR_DB = -70;
const CEILING_DB = 20;

function meterLabel(levelDb: number): string {
  if (!Number.isFinite(levelDb)) return '–';
  return levelDb < FLOOR_DB ? 'silence' : `${levelDb.toFixed(0)} dB`;
}

/** Transient meter: writes the DOM from a store subscription, never re-rendering React per batch. */
export function InputMeter() {
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
    paint(useStore.getState().inputLevelDb);
    const unsubscribe = useStore.subscribe((state, previous) => {
      if (state.inputLevelDb !== previous.inputLevelDb) paint(state.inputLevelDb);
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, []);

  return (
    <div className="meter" role="img" aria-label="Input level">
      <div className="meter-track">
        <div className="meter-bar" ref={barRef} />
      </div>
      <span className="meter-label" ref={labelRef} aria-hidden="true">
        –
      </span>
    </div>
  );
}
