import type { Device } from './chooseDevice';
import type { ModelRole } from '../../state/modelsSlice';

const ROLE_NAMES: Record<string, string> = {
  asr: 'speech recognition',
  llm: 'language model',
  tts: 'voice',
  speech_llm: 'speech-path language model',
};

const DEVICE_NAMES: Record<Device, string> = { webgpu: 'WebGPU', wasm: 'wasm' };

/** One reloaded model: where it runs now, or null when it could not be loaded again. */
export interface Reloaded {
  role: ModelRole;
  device: Device | null;
}

/** What the user reads after a GPU reset: which models run where now, and which did not come back. */
export function deviceLossNotice(reloaded: readonly Reloaded[]): string {
  const byDevice = new Map<string, string[]>();
  for (const { role, device } of reloaded) {
    const where = device ? DEVICE_NAMES[device] : 'failed';
    byDevice.set(where, [...(byDevice.get(where) ?? []), ROLE_NAMES[role] ?? role]);
  }
  const failed = byDevice.get('failed');
  byDevice.delete('failed');
  const placed = [...byDevice.entries()];
  let notice = 'The graphics device was reset';
  if (placed.length === 1 && !failed) notice += `; models were reloaded on ${placed[0]![0]}`;
  else if (placed.length > 0) notice += `; models were reloaded: ${placed.map(([where, roles]) => `${roles.join(', ')} on ${where}`).join(', ')}`;
  if (failed) notice += `; ${failed.join(', ')} could not be reloaded (see Models)`;
  return `${notice}.`;
}
