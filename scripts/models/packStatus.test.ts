import { describe, expect, it } from 'vitest';
import { fakeManifest, HUB_ENTRIES, modelPath, VAD_BYTES } from './fakePack';
import { describeStatuses, packStatuses } from './packStatus';

const allPresent = new Map<string, number>([['vad/silero_vad_v5.onnx', VAD_BYTES.length], ...HUB_ENTRIES.map((e) => [modelPath(e), e.bytes.length] as [string, number])]);

describe('packStatuses', () => {
  it('calls a pack complete when every file is present at its recorded size', () => {
    const [status] = packStatuses(fakeManifest(true), (path) => allPresent.get(path) ?? null);
    expect(status?.complete).toBe(true);
    expect(status?.fileSizesBytes).toEqual(Object.fromEntries(allPresent));
  });

  it('counts a verified file of the wrong size, an empty file and a missing file as missing', () => {
    const [first, second, third] = HUB_ENTRIES.map(modelPath);
    const sizes = new Map(allPresent);
    sizes.set(first ?? '', 5);
    sizes.set(second ?? '', 0);
    sizes.delete(third ?? '');
    const [status] = packStatuses(fakeManifest(true), (path) => sizes.get(path) ?? null);
    expect(status?.complete).toBe(false);
    expect(status?.missingPaths).toEqual([first, second, third]);
  });

  it('accepts any non-empty size for an unverified file (its manifest size is only the hub listing)', () => {
    const sizes = new Map([...allPresent].map(([path, size]) => [path, path.startsWith('vad/') ? size : size + 1]));
    expect(packStatuses(fakeManifest(false), (path) => sizes.get(path) ?? null)[0]?.complete).toBe(true);
  });

  it('prints the commands that fetch a pack when none is complete', () => {
    const text = describeStatuses(packStatuses(fakeManifest(true), () => null), 'public/models');
    expect(text).toContain('no model pack is complete in public/models');
    expect(text).toContain('npm run models -- default');
    expect(text).toContain('npm run make:tiny-pack');
  });
});
