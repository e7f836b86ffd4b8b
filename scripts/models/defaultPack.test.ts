// `npm run models -- default` on the REAL manifest, against the loopback imitation hub (fakeHub.ts).
// The hub serves a few KB of deterministic bytes per file instead of the real (GB-sized) files.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packFiles, parseManifest, pathInRepo, type Manifest, type PackFile } from '../../src/models/manifest';
import { FAKE_BRANCH, FAKE_COMMIT, startFakeHub, type FakeHub, type FakeHubFile } from './fakeHub';
import { patternBytes, sha256Hex } from './fakePack';
import { allFiles, runModels as runModelsCliIn, type ModelsDirs } from './modelsCliHarness';
import { DEFAULT_MODELS_DIR } from './paths';

const PACK = 'default';
const REAL_MANIFEST_PATH = join(DEFAULT_MODELS_DIR, 'manifest.json');
/** The file `npm install` copies from @ricky0123/vad-web (the pack's npm-sourced file). */
const REAL_VAD_PATH = join(DEFAULT_MODELS_DIR, 'vad/silero_vad_v5.onnx');
/** Each test runs the tool two or three times on loopback with files of a few KB: seconds, not minutes. */
const TEST_TIMEOUT_MS = 15_000;

interface HubFile {
  entry: PackFile;
  repo: string;
  /** Key of fakeHub's `files`: "<repo>/resolve/<revision>/<path in repo>". */
  hubKey: string;
  bytes: Buffer;
}

const realManifest = parseManifest(JSON.parse(await readFile(REAL_MANIFEST_PATH, 'utf8')));

/** Every hub file of the pack with small deterministic bytes (1-4 KB, a different pattern for each). */
function imitationFiles(manifest: Manifest): HubFile[] {
  return packFiles(manifest, PACK)
    .filter((entry) => entry.component.source.kind === 'hub')
    .map((entry, index) => {
      const source = entry.component.source;
      if (source.kind !== 'hub') throw new Error('unreachable');
      return {
        entry,
        repo: source.repo,
        hubKey: `${source.repo}/resolve/${source.revision}/${pathInRepo(entry.component, entry.file)}`,
        bytes: patternBytes(1_024 + 97 * index, 1 + index),
      };
    });
}





/** Every run here is about the default pack. */
const runModels = (args: string[], dirs: ModelsDirs, baseUrl?: string) => runModelsCliIn([PACK, ...args], dirs, baseUrl);

let hub: FakeHub | undefined;
const tempDirs: string[] = [];

/** A temp models dir holding a copy of the real manifest and the npm-copied VAD file, and a hub serving `files`. */
async function setUp(files: readonly HubFile[]): Promise<{ hub: FakeHub; dirs: ModelsDirs }> {
  hub = await startFakeHub(Object.fromEntries(files.map((file): [string, FakeHubFile] => [file.hubKey, { bytes: file.bytes }])));
  const modelsDir = await mkdtemp(join(tmpdir(), 'models-default-pack-'));
  tempDirs.push(modelsDir);
  const manifestPath = join(modelsDir, 'manifest.json');
  await copyFile(REAL_MANIFEST_PATH, manifestPath);
  const vadPath = join(modelsDir, 'vad/silero_vad_v5.onnx');
  await mkdir(dirname(vadPath), { recursive: true });
  await copyFile(REAL_VAD_PATH, vadPath);
  return { hub, dirs: { modelsDir, manifestPath } };
}

afterEach(async () => {
  await hub?.close();
  hub = undefined;
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('npm run models -- default (the real manifest, against the loopback imitation hub)', () => {
  const files = imitationFiles(realManifest);

  it('the real default pack is still unverified, so the imitation hub can stand in for the hub', () => {
    // Once `--record` has been run for real, verified entries carry real sizes and hashes that
    // few-KB imitation files cannot match: the test then has to reset them in its copy.
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((file) => file.entry.file.verified).map((file) => file.entry.file.path)).toEqual([]);
    expect(new Set(files.map((file) => file.entry.component.source)).size).toBe(3);
    for (const { entry } of files) expect(entry.component.source).toMatchObject({ revision: FAKE_BRANCH, revisionPinned: false });
    // The listed (rounded, unverified) sizes are far from what the imitation hub serves: they must not be enforced.
    expect(files.some((file) => file.entry.file.sizeBytes !== null && file.entry.file.sizeBytes !== file.bytes.length)).toBe(true);
  });

  it('downloads every hub file despite the unverified listed sizes, leaves no .partial, and --verify passes offline', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { hub, dirs } = await setUp(files);
    const result = await runModels([], dirs, hub.baseUrl);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`pack ${PACK}: complete in ${dirs.modelsDir} (${files.length} file(s) downloaded)`);
    expect(result.stdout).toContain(`note: ${files.length} file(s) have no sha256 in the manifest`);
    expect(hub.requests.map((request) => request.path).sort()).toEqual(files.map((file) => file.hubKey).sort());
    for (const file of files) {
      expect(sha256Hex(await readFile(join(dirs.modelsDir, file.entry.file.path))), file.entry.file.path).toBe(sha256Hex(file.bytes));
    }
    expect((await allFiles(dirs.modelsDir)).filter((path) => path.endsWith('.partial'))).toEqual([]);
    // A plain run only reads the manifest.
    expect(await readFile(dirs.manifestPath, 'utf8')).toBe(await readFile(REAL_MANIFEST_PATH, 'utf8'));

    const again = await runModels([], dirs, hub.baseUrl);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('(0 file(s) downloaded)');
    const verify = await runModels(['--verify'], dirs);
    expect(verify.stderr).toBe('');
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toContain(`all ${files.length + 1} files present`);
    expect(hub.requests).toHaveLength(files.length);
  });

  it('--record after that download writes sizes and sha256, pins every repository to the hub commit, and the manifest still validates', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { hub, dirs } = await setUp(files);
    expect((await runModels([], dirs, hub.baseUrl)).exitCode).toBe(0);
    const requestsBeforeRecord = hub.requests.length;

    const recorded = await runModels(['--record'], dirs, hub.baseUrl);
    expect(recorded.stderr).toBe('');
    expect(recorded.exitCode).toBe(0);
    const manifest = parseManifest(JSON.parse(await readFile(dirs.manifestPath, 'utf8')));
    const recordedFiles = new Map(packFiles(manifest, PACK).map((entry) => [entry.file.path, entry]));
    for (const file of files) {
      const entry = recordedFiles.get(file.entry.file.path);
      expect(entry?.file, file.entry.file.path).toEqual({
        ...file.entry.file,
        sizeBytes: file.bytes.length,
        sha256: sha256Hex(file.bytes),
        verified: true,
      });
      expect(entry?.component.source).toEqual({ kind: 'hub', repo: file.repo, revision: FAKE_COMMIT, revisionPinned: true });
    }
    // The npm-sourced file is left as it was.
    expect(recordedFiles.get('vad/silero_vad_v5.onnx')?.file).toEqual(packFiles(realManifest, PACK).find((e) => e.role === 'vad')?.file);
    // Other packs that share a component (the same repo at the same revision) are recorded and pinned too.
    const repos = new Set(files.map((file) => file.repo));
    for (const component of Object.values(manifest.packs).flatMap((pack) => Object.values(pack.components))) {
      const source = component?.source;
      if (source?.kind !== 'hub' || !repos.has(source.repo)) continue;
      expect(source, source.repo).toMatchObject({ revision: FAKE_COMMIT, revisionPinned: true });
    }
    // After the first file of a repository pinned it, its other files are fetched at that commit.
    const recordRequests = hub.requests.slice(requestsBeforeRecord).map((request) => request.path);
    for (const repo of repos) {
      expect(recordRequests.some((path) => path.startsWith(`${repo}/resolve/${FAKE_COMMIT}/`)), repo).toBe(true);
    }
    expect((await allFiles(dirs.modelsDir)).filter((path) => path.endsWith('.partial'))).toEqual([]);

    const verify = await runModels(['--verify'], dirs);
    expect(verify.stderr).toBe('');
    expect(verify.exitCode).toBe(0);
    expect(hub.requests.length - requestsBeforeRecord).toBe(files.length);
  });
});
