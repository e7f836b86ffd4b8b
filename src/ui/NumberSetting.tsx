interface NumberSettingProps {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  disabled?: boolean;
  onChange(value: number): void;
}

/** A labelled number input that only ever reports finite values within its range. */
export function NumberSetting({ label, value, min, max, step, disabled = false, onChange }: NumberSettingProps) {
  return (
    <label>
      {label}
      <input
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        onChange={(e) => {
          const typed = e.target.valueAsNumber;
          if (Number.isFinite(typed)) onChange(Math.min(max, Math.max(min, typed)));
        }}
      />
    </label>
  );
}
