/** dB range a level meter spans: frame energy of the power mel, where close speech peaks near +10 dB. */
export const METER_FLOOR_DB = -70;
export const METER_CEILING_DB = 20;
/**
 * The smallest change a meter repaints for. A room's noise floor wanders by a dB or two between updates, and each
 * repaint costs the page style, layout, paint and compositing: at ~33 updates a second that was a quarter of a core
 * while listening, taken from the models that answer the turn.
 */
export const METER_STEP_DB = 3;

/** The level as the meter shows it: clamped to its range, silence (-Infinity) at the floor, whole dB. */
export function meterValueDb(levelDb: number): number {
  return Math.round(Math.min(METER_CEILING_DB, Math.max(METER_FLOOR_DB, Number.isFinite(levelDb) ? levelDb : METER_FLOOR_DB)));
}

/** What a meter shows for a level: its value, or -Infinity when there is no level (the microphone is off). */
export function meterShownDb(levelDb: number): number {
  return Number.isFinite(levelDb) ? meterValueDb(levelDb) : -Infinity;
}

/** Whether a meter showing `shownDb` (null: nothing yet) should repaint for `levelDb`: a change of a step, or reaching an end of the range. */
export function meterNeedsRepaint(shownDb: number | null, levelDb: number): boolean {
  const nextDb = meterShownDb(levelDb);
  if (shownDb === null || !Number.isFinite(nextDb) || !Number.isFinite(shownDb)) return shownDb !== nextDb;
  if (nextDb === shownDb) return false;
  // The ends are exact: silence reads as silence and a clipped voice as full, however small the last move.
  return Math.abs(nextDb - shownDb) >= METER_STEP_DB || nextDb === METER_FLOOR_DB || nextDb === METER_CEILING_DB;
}

/** The bar's length as a fraction of the track. */
export function meterFraction(valueDb: number): number {
  return Math.min(1, Math.max(0, (valueDb - METER_FLOOR_DB) / (METER_CEILING_DB - METER_FLOOR_DB)));
}
