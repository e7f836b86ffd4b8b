import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Writes one file of a model pack (creating folders) and returns its pack-relative path. */
export async function writePackFile(modelDir: string, relativePath: string, data: Uint8Array | string): Promise<string> {
  const path = join(modelDir, relativePath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  return relativePath;
}

/** JSON with a fixed key order and indentation, so that two writes are byte-identical. */
export function packJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
