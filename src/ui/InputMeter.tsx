import { useEffect, useRef } from 'react';
import { useStore } from '../state/store';

/** dB range the meter spans (frame energy of the power mel: speech sits roughly in -60..0). */
const FLOOR_DB = -90;
const CEILING_DB = 0;

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
        if (labelRef.current) labelRef.current.textContent = Number.isFinite(levelDb) ? `${levelDb.toFixed(0)} dB` : '–';
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
