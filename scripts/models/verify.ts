import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { packFilesThatRun, type Manifest, type ModelComponent, type ModelFile, type PackFile } from '../../src/models/manifest';

export interface FileProblem {
  path: string;
  problem: string;
  /** The command that fetches or rebuilds the file. */
  remedy: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file a generator wrote under `modelsDir`, as the manifest lists it: size, hash, dtype, verified. */
export async function describeWrittenFile(modelsDir: string, path: string, dtype: ModelFile['dtype'] | undefined): Promise<ModelFile> {
  const absolute = join(modelsDir, path);
  return { path, sizeBytes: (await stat(absolute)).size, sha256: await sha256File(absolute), ...(dtype ? { dtype } : {}), verified: true };
}

export async function fileSizeBytes(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

/** How a missing file of this component comes back. */
export function remedyFor(component: ModelComponent, packName: string): string {
  switch (component.source.kind) {
    case 'hub':
      return `npm run models -- ${packName}`;
    case 'npm':
      return `npm install (it copies ${component.source.package}/${component.source.path})`;
    case 'generated':
      return `npm run ${component.source.script}`;
  }
}

/** Checks one file offline: present, of the recorded size when verified, and of the recorded hash when there is one. */
export async function checkFile(modelsDir: string, entry: PackFile, packName: string, hashIt: boolean): Promise<FileProblem | null> {
  const { file, component } = entry;
  const remedy = remedyFor(component, packName);
  const sizeBytes = await fileSizeBytes(join(modelsDir, file.path));
  if (sizeBytes === null) return { path: file.path, problem: 'missing', remedy };
  if (file.verified && sizeBytes !== file.sizeBytes) {
    return { path: file.path, problem: `size ${sizeBytes} bytes, expected ${file.sizeBytes}`, remedy };
  }
  if (hashIt && file.sha256 !== null) {
    const actual = await sha256File(join(modelsDir, file.path));
    if (actual !== file.sha256) return { path: file.path, problem: `sha256 ${actual}, expected ${file.sha256}`, remedy };
  }
  return null;
}

/** `--verify`: every file of the pack some device runs, hashed when the manifest has a hash. */
export async function verifyPack(manifest: Manifest, packName: string, modelsDir: string): Promise<FileProblem[]> {
  const problems: FileProblem[] = [];
  for (const entry of packFilesThatRun(manifest, packName)) {
    const problem = await checkFile(modelsDir, entry, packName, true);
    if (problem) problems.push(problem);
  }
  return problems;
}

export function formatProblems(problems: readonly FileProblem[]): string {
  const lines = problems.map((p) => `  ${p.path}: ${p.problem}`);
  const remedies = [...new Set(problems.map((p) => p.remedy))].map((remedy) => `  ${remedy}`);
  return `${lines.join('\n')}\nto fix, run:\n${remedies.join('\n')}`;
}
