import { describe, expect, it } from 'vitest';
import { memoryStorage, type KeyValueStorage } from './keyValueStorage';
import { createAppStore } from './store';

/** A storage that counts its writes. */
function countingStorage(): KeyValueStorage & { writes: string[] } {
  const inner = memoryStorage();
  const writes: string[] = [];
  return { ...inner, writes, setItem: (key, value) => (writes.push(value), inner.setItem(key, value)) };
}

describe('the store saves the settings', () => {
  it('writes the storage when the settings change, not on every state change', () => {
    const storage = countingStorage();
    const store = createAppStore(storage);
    const before = storage.writes.length;
    for (let i = 0; i < 100; i++) store.setState({ inputLevelDb: -60 + i / 10 });
    expect(storage.writes.length - before).toBeLessThanOrEqual(1);
    store.setState({ settings: { ...store.getState().settings, tauDb: 4.5 } });
    expect(JSON.parse(storage.writes.at(-1)!)).toMatchObject({ state: { settings: { tauDb: 4.5 } } });
    const afterChange = storage.writes.length;
    store.setState({ inputLevelDb: -20 });
    expect(storage.writes.length).toBe(afterChange);
    // A reload reads what was saved.
    expect(createAppStore(storage).getState().settings.tauDb).toBe(4.5);
  });
});
