import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** sha256 of each listed pack file, keyed by its pack-relative path (to compare two writes). */
export async function packHashes(modelDir: string, files: string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    files.map(async (file) => [file, createHash('sha256').update(await readFile(join(modelDir, file))).digest('hex')] as const),
  );
  return Object.fromEntries(entries);
}
