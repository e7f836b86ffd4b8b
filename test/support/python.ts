// Finds a Python that has the modules an independent reference check needs. Outside CI a missing one skips
// the check; under CI=true it fails it, because CI installs them (.ci/run) and a silent skip would hide a gap.
import { spawnSync } from 'node:child_process';

const CANDIDATES = [process.env.ES4R_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p));

/** The first interpreter that imports every module, or null. */
export function pythonWith(modules: readonly string[]): string | null {
  const probe = modules.map((m) => `import ${m}`).join('; ');
  return CANDIDATES.find((python) => spawnSync(python, ['-c', probe], { stdio: 'ignore' }).status === 0) ?? null;
}

/** Whether to skip a check that needs `python`: never under CI, where its absence is an install error. */
export function skipWithoutPython(python: string | null): boolean {
  return python === null && process.env.CI !== 'true';
}

/** The interpreter, or a failure that names the Debian packages to install. */
export function requirePython(python: string | null, debianPackages: string): string {
  if (python === null) throw new Error(`no python3 with the needed modules: install ${debianPackages} (apt), or point ES4R_PYTHON at an interpreter that has them`);
  return python;
}
