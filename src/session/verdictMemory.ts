import type { SelfCheckVerdict } from '../models/selfCheck/verdict';

/** WebGPU self-check verdicts survive reloads; workers have no localStorage, so the page keeps them. */
const STORAGE_KEY = 'es4r.webgpu-verdicts.v2';

export function readVerdicts(): Record<string, SelfCheckVerdict> {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored ? (JSON.parse(stored) as Record<string, SelfCheckVerdict>) : {};
  } catch {
    return {};
  }
}

export function rememberVerdict(key: string, verdict: SelfCheckVerdict): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...readVerdicts(), [key]: verdict }));
  } catch {
    // Storage full or blocked: the check simply runs again next time.
  }
}

export function forgetVerdicts(): void {
  localStorage.removeItem(STORAGE_KEY);
}
