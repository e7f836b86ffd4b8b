import { useStore } from '../state/store';
import { updateSettings } from '../state/actions';
import type { MicProcessing } from '../audio/capture';

const PROCESSING_LABELS: Record<keyof MicProcessing, string> = {
  echoCancellation: 'Echo cancellation',
  autoGainControl: 'Automatic gain control (flattens the energy trajectory)',
  noiseSuppression: 'Noise suppression',
};

export function SettingsPanel() {
  const settings = useStore((s) => s.settings);
  const listening = useStore((s) => s.micStatus === 'listening');

  return (
    <details className="settings">
      <summary>Settings</summary>
      <label>
        Strategy threshold τ (dB)
        <input
          type="number"
          min={0.5}
          max={20}
          step={0.5}
          value={settings.tauDb}
          onChange={(e) => Number.isFinite(e.target.valueAsNumber) && updateSettings({ tauDb: e.target.valueAsNumber })}
        />
      </label>
      <label>
        Pause that ends a turn (ms)
        <input
          type="number"
          min={200}
          max={3000}
          step={50}
          value={settings.endSilenceMs}
          disabled={listening}
          onChange={(e) => Number.isFinite(e.target.valueAsNumber) && updateSettings({ endSilenceMs: e.target.valueAsNumber })}
        />
      </label>
      <label>
        Mel bins
        <select
          value={settings.nMels}
          disabled={listening}
          onChange={(e) => updateSettings({ nMels: e.target.value === '128' ? 128 : 80 })}
        >
          <option value="80">80 (Whisper tiny … medium)</option>
          <option value="128">128 (Whisper large-v3)</option>
        </select>
      </label>
      <fieldset disabled={listening}>
        <legend>Browser input processing</legend>
        {(Object.keys(PROCESSING_LABELS) as (keyof MicProcessing)[]).map((key) => (
          <label key={key} className="checkbox">
            <input
              type="checkbox"
              checked={settings.processing[key]}
              onChange={(e) => updateSettings({ processing: { ...settings.processing, [key]: e.target.checked } })}
            />
            {PROCESSING_LABELS[key]}
          </label>
        ))}
      </fieldset>
      {listening && <p className="note">Stop to change the input settings.</p>}
    </details>
  );
}
