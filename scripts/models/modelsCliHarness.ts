// Test support: runs the models CLI in-process against a temporary models folder and captures its output.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runModelsCli } from './modelsCli';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ModelsDirs {
  modelsDir: string;
  manifestPath: string;
}

export async function runModels(args: string[], dirs: ModelsDirs, baseUrl?: string): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const argv = [...args, '--models-dir', dirs.modelsDir, '--manifest', dirs.manifestPath, ...(baseUrl ? ['--base-url', baseUrl] : [])];
  const exitCode = await runModelsCli(argv, {
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text) },
    env: {},
  });
  return { exitCode, stdout, stderr };
}

export async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
