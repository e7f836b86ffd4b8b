import type { SelfCheckVerdict } from '../models/selfCheck/verdict';
import type { KeyValueStorage } from '../state/keyValueStorage';

/** WebGPU self-check verdicts survive reloads; workers have no localStorage, so the page keeps them. */
const STORAGE_KEY = 'es4r.webgpu-verdicts.v2';

export class VerdictMemory {
  constructor(private readonly storage: KeyValueStorage) {}

  read(): Record<string, SelfCheckVerdict> {
    try {
      const stored = this.storage.getItem(STORAGE_KEY);
      return stored ? (JSON.parse(stored) as Record<string, SelfCheckVerdict>) : {};
    } catch {
      return {};
    }
  }

  remember(key: string, verdict: SelfCheckVerdict): void {
    try {
      this.storage.setItem(STORAGE_KEY, JSON.stringify({ ...this.read(), [key]: verdict }));
    } catch {
      // Storage full or blocked: the check simply runs again next time.
    }
  }

  forget(): void {
    this.storage.removeItem(STORAGE_KEY);
  }
}
