import { useAppState } from './assistantContext';
import type { ComponentLoad, ModelRole } from '../state/modelsSlice';
import { formatBytes } from './formatBytes';

const ROLE_NAMES: Record<ModelRole, string> = { asr: 'Speech recognition', llm: 'Language model', tts: 'Speech synthesis', speech_llm: 'Speech-path language model' };
const ROLES: ModelRole[] = ['asr', 'llm', 'speech_llm', 'tts'];

function dtypeText(component: ComponentLoad): string {
  const { dtype } = component;
  if (!dtype) return '';
  return typeof dtype === 'string' ? dtype : Object.entries(dtype).map(([module, value]) => `${module} ${value}`).join(', ');
}

function FileRows({ component }: { component: ComponentLoad }) {
  const files = Object.entries(component.files);
  if (files.length === 0) return null;
  return (
    <ul className="files">
      {files.map(([file, progress]) => {
        const percent = progress.totalBytes ? Math.min(100, (100 * progress.loadedBytes) / progress.totalBytes) : null;
        return (
          <li key={file}>
            <span className="file-name">{file}</span>
            <progress max={100} value={percent ?? undefined} aria-label={`${file} loaded`} />
            <span className="file-bytes">
              {formatBytes(progress.loadedBytes)}
              {progress.totalBytes ? ` / ${formatBytes(progress.totalBytes)} (${percent!.toFixed(0)} %)` : ''}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** Whether ES4R's speech path can answer, and if not, why. */
function SpeechPathLine() {
  const speechPath = useAppState((s) => s.speechPath);
  const text = { absent: 'not in this pack', loading: 'loading…', ready: 'ready', error: 'unavailable' }[speechPath.status];
  return (
    <p className="note" data-testid="speech-path" data-status={speechPath.status}>
      ES4R speech path: {text}
      {speechPath.detail ? ` (${speechPath.detail})` : ''}
    </p>
  );
}

function GpuLine() {
  const gpu = useAppState((s) => s.gpu);
  if (gpu === undefined) return null;
  if (gpu === null) return <p className="note" data-testid="gpu">No WebGPU adapter: every model runs on wasm (CPU).</p>;
  const [vendor, architecture] = gpu.adapterKey.split('|');
  return (
    <p className="note" data-testid="gpu">
      GPU: {vendor} {architecture}
      {gpu.isFallbackAdapter ? ' (software adapter)' : ''} · shader-f16 {gpu.shaderF16 ? 'yes' : 'no'} · largest buffer {formatBytes(gpu.maxBufferSizeBytes)}
    </p>
  );
}

/** How the panel names each self-check outcome. */
const SELF_CHECK_WORDS = { passed: 'passed', failed: 'failed', unverified: 'not possible, WebGPU kept unverified', remembered: 'remembered from an earlier visit' } as const;

/** Which pack is in use, each model's loading progress, and the device it runs on and why. */
export function LoadingPanel() {
  const pack = useAppState((s) => s.pack);
  const components = useAppState((s) => s.components);
  const offline = useAppState((s) => s.packOffline);

  return (
    <section className="models" aria-label="Models" data-testid="models">
      <h2>Models</h2>
      {pack.status === 'probing' && <p className="note">Looking for installed model packs…</p>}
      {pack.status === 'none' && (
        <p className="talk-problem" role="alert" data-testid="pack-advice">
          {pack.advice}
        </p>
      )}
      {pack.status === 'chosen' && pack.advice && (
        <p className="note" data-testid="pack-advice">
          {pack.advice}
        </p>
      )}
      {pack.status === 'chosen' && (
        <p data-testid="pack" data-pack={pack.chosen}>
          Pack <strong>{pack.chosen}</strong>
          {pack.totalBytes ? `, ${formatBytes(pack.totalBytes)} in all` : ''}
          {pack.available.length > 1 ? ` (also installed: ${pack.available.filter((p) => p !== pack.chosen).join(', ')})` : ''}
          <span className="note" data-testid="pack-offline" data-offline={offline ? 'yes' : 'no'}>
            {offline ? ' · kept in this browser: works offline' : ''}
          </span>
        </p>
      )}
      <GpuLine />
      <ul className="components">
        {ROLES.map((role) => {
          const component = components[role];
          if (!component) return null;
          return (
            <li key={role} data-testid={`model-${role}`} data-status={component.status} data-device={component.device ?? ''}>
              <div className="component-head">
                <strong>{ROLE_NAMES[role]}</strong> <span className="model-id">{component.modelId}</span>
                <span className={`badge badge-${component.status}`}>
                  {component.status === 'ready' ? `${component.device} · ${dtypeText(component)}` : component.status}
                </span>
              </div>
              {component.reason && <p className="note" data-testid={`model-${role}-reason`}>{component.reason}</p>}
              {component.selfCheck && (
                <p className="note" data-testid={`model-${role}-selfcheck`} data-outcome={component.selfCheck.outcome}>
                  Self-check {SELF_CHECK_WORDS[component.selfCheck.outcome]}: {component.selfCheck.evidence}
                </p>
              )}
              {component.error && (
                <p className="talk-problem" role="alert">
                  {component.error}
                </p>
              )}
              {component.status === 'loading' && <FileRows component={component} />}
            </li>
          );
        })}
      </ul>
      {pack.status === 'chosen' && <SpeechPathLine />}
    </section>
  );
}
