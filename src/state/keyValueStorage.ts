/** What the app keeps across reloads goes through this: the page's localStorage, or an in-memory map in Node tests. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A storage that lives as long as the object: for Node tests and for browsers that block localStorage. */
export function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/**
 * Writes only what changed. The store saves its settings on every state change (the input meter alone changes ~33 times a
 * second), and each localStorage write is synchronous work on the page's main thread.
 */
export function skippingUnchangedWrites(storage: KeyValueStorage): KeyValueStorage {
  const written = new Map<string, string>();
  return {
    getItem: (key) => storage.getItem(key),
    setItem: (key, value) => {
      if (written.get(key) === value) return;
      storage.setItem(key, value);
      written.set(key, value);
    },
    removeItem: (key) => {
      written.delete(key);
      storage.removeItem(key);
    },
  };
}
