import { useAppState, useAssistant } from './assistantContext';
import { NumberSetting } from './NumberSetting';
import { DEFAULT_MAX_PROMPT_TOKENS } from '../conversation/conversation';
import type { EchoCancellationMode, MicProcessing } from '../audio/capture';
import type { DevicePreference } from '../models/device/chooseDevice';
import type { CueSwitches } from '../conversation/affectCues';

const CUE_LABELS: Record<keyof CueSwitches, string> = {
  strategy: 'Cue: speaking strategy (comfort / encourage / neutral)',
  relativeEnergy: 'Cue: loudness against earlier turns',
  speakingRate: 'Cue: speaking rate',
  pauses: 'Cue: long pauses',
};

const PROCESSING_LABELS: Record<keyof MicProcessing, string> = {
  echoCancellation: 'Echo cancellation',
  autoGainControl: 'Automatic gain control (flattens the energy trajectory)',
  noiseSuppression: 'Noise suppression',
};

const ECHO_CANCELLATION_LABELS: Record<EchoCancellationMode, string> = {
  all: "'all': the page's own voice is removed too",
  'remote-only': "'remote-only': not the page's own voice; the echo gate ignores it instead",
  on: "on, of a kind that leaves the page's own voice; the echo gate ignores it instead",
  off: 'off; the echo gate ignores the voice from speakers',
};

export function SettingsPanel() {
  const { models, actions: { updateSettings } } = useAssistant();
  const settings = useAppState((s) => s.settings);
  const listening = useAppState((s) => s.micStatus === 'listening');
  const echoCancellation = useAppState((s) => s.echoCancellation);
  const availablePacks = useAppState((s) => s.pack.available);
  const chosenPack = useAppState((s) => s.pack.chosen);

  return (
    <details className="settings">
      <summary>Settings</summary>
      <NumberSetting label="Strategy threshold τ (dB)" min={0.5} max={20} step={0.5} value={settings.tauDb} onChange={(tauDb) => updateSettings({ tauDb })} />
      <NumberSetting
        label="Pause that ends a turn (ms)"
        min={200}
        max={3000}
        step={50}
        value={settings.endSilenceMs}
        disabled={listening}
        onChange={(endSilenceMs) => updateSettings({ endSilenceMs })}
      />
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
      {echoCancellation && (
        <p className="note" data-testid="echo-cancellation">
          Echo cancellation the browser gave: {ECHO_CANCELLATION_LABELS[echoCancellation]}
        </p>
      )}
      <fieldset>
        <legend>Answer path (ES4R)</legend>
        <label className="checkbox">
          <input type="radio" name="answer-path" checked={settings.answerPath === 'auto'} onChange={() => updateSettings({ answerPath: 'auto' })} data-testid="path-auto" />
          Automatic: the speech path where the pack has an ES4R component, else the text path
        </label>
        <label className="checkbox">
          <input type="radio" name="answer-path" checked={settings.answerPath === 'speech'} onChange={() => updateSettings({ answerPath: 'speech' })} data-testid="path-speech" />
          Speech path: your voice itself reaches the language model (needs a pack with an ES4R component)
        </label>
        <label className="checkbox">
          <input type="radio" name="answer-path" checked={settings.answerPath === 'text'} onChange={() => updateSettings({ answerPath: 'text' })} data-testid="path-text" />
          Text path: the transcript, with how you sounded described in words
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={settings.dualAttention} disabled={settings.answerPath === 'text'} onChange={(e) => updateSettings({ dualAttention: e.target.checked })} data-testid="dual-attention" />
          Dual-level affective attention before Whisper (off: the raw log-mel, an ablation)
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={settings.crossAttention} disabled={settings.answerPath === 'text'} onChange={(e) => updateSettings({ crossAttention: e.target.checked })} data-testid="cross-attention" />
          Speech-guided cross-attention over the text history (off: speech vectors straight to the LLM, an ablation)
        </label>
      </fieldset>
      <fieldset>
        <legend>Replies</legend>
        <NumberSetting
          label="Longest reply (tokens)"
          min={16}
          max={512}
          step={16}
          value={settings.maxNewTokens}
          onChange={(maxNewTokens) => updateSettings({ maxNewTokens })}
        />
        <NumberSetting
          label="Longest prompt (tokens; the oldest turns leave first)"
          min={256}
          max={DEFAULT_MAX_PROMPT_TOKENS}
          step={128}
          value={settings.maxPromptTokens}
          onChange={(maxPromptTokens) => updateSettings({ maxPromptTokens })}
        />
        <label className="checkbox">
          <input type="checkbox" checked={settings.affectCuesInPrompt} onChange={(e) => updateSettings({ affectCuesInPrompt: e.target.checked })} />
          Tell the language model how the user sounded (off: a plain ASR + LLM cascade)
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={settings.empatheticVoice} onChange={(e) => updateSettings({ empatheticVoice: e.target.checked })} data-testid="empathetic-voice" />
          Empathetic voice: speak in the strategy's voice preset (off: always the neutral voice)
        </label>
        {(Object.keys(CUE_LABELS) as (keyof CueSwitches)[]).map((cue) => (
          <label key={cue} className="checkbox">
            <input
              type="checkbox"
              checked={settings.cues[cue]}
              disabled={!settings.affectCuesInPrompt}
              onChange={(e) => updateSettings({ cues: { ...settings.cues, [cue]: e.target.checked } })}
            />
            {CUE_LABELS[cue]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Models</legend>
        <label>
          Pack
          <select
            value={chosenPack ?? ''}
            disabled={availablePacks.length < 2}
            onChange={(e) => {
              updateSettings({ pack: e.target.value });
              void models.load();
            }}
          >
            {availablePacks.map((pack) => (
              <option key={pack} value={pack}>
                {pack}
              </option>
            ))}
          </select>
        </label>
        <label>
          Run models on
          <select
            value={settings.devicePreference}
            data-testid="device-preference"
            onChange={(e) => {
              updateSettings({ devicePreference: e.target.value as DevicePreference });
              void models.load();
            }}
          >
            <option value="auto">WebGPU where it computes correctly, else wasm</option>
            <option value="webgpu">WebGPU always</option>
            <option value="wasm">wasm (CPU) always</option>
          </select>
        </label>
        <button type="button" onClick={() => void models.recheckWebGpu()} data-testid="recheck-webgpu">
          Re-run the WebGPU self-check
        </button>
      </fieldset>
    </details>
  );
}
