import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/models/manifest';
import { closedLoopbackPort, FAKE_COMMIT, startFakeHub, type FakeHub, type FakeHubFile } from './fakeHub';
import { allFiles, runModels } from './modelsCliHarness';
import { fakeManifest, HUB_ENTRIES, hubFiles, hubKey, makeModelsDir, modelPath, sha256Hex } from './fakePack';




const [encoder, config, llmModel, voice] = HUB_ENTRIES as [(typeof HUB_ENTRIES)[number], (typeof HUB_ENTRIES)[number], (typeof HUB_ENTRIES)[number], (typeof HUB_ENTRIES)[number]];

let hub: FakeHub | undefined;
const tempDirs: string[] = [];
async function setUp(files: Record<string, FakeHubFile>, known: boolean) {
  hub = await startFakeHub(files);
  const dirs = await makeModelsDir(fakeManifest(known));
  tempDirs.push(dirs.modelsDir);
  return { hub, dirs };
}
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('npm run models (against a loopback fake hub)', () => {
  it('downloads a whole pack, verifies every hash and leaves no .partial file', async () => {
    const { hub, dirs } = await setUp(hubFiles(), true);
    const result = await runModels(['fake'], dirs, hub.baseUrl);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    for (const entry of HUB_ENTRIES) {
      expect(sha256Hex(await readFile(join(dirs.modelsDir, modelPath(entry))))).toBe(sha256Hex(entry.bytes));
    }
    expect((await allFiles(dirs.modelsDir)).filter((path) => path.endsWith('.partial'))).toEqual([]);
    const encoderPercents = [...result.stdout.matchAll(/encoder_model\.onnx: (\d+)%/g)].map((match) => Number(match[1]));
    expect(encoderPercents.length).toBeGreaterThanOrEqual(3);
    expect(encoderPercents).toEqual([...encoderPercents].sort((a, b) => a - b));
    expect(encoderPercents.at(-1)).toBe(100);
    expect(result.stdout).toContain('pack fake: complete');

    const again = await runModels(['fake'], dirs, hub.baseUrl);
    expect(again.exitCode).toBe(0);
    expect(hub.requests).toHaveLength(HUB_ENTRIES.length);
  });

  it('--record writes measured sizes and hashes, pins the revision, and --verify then passes', async () => {
    const { hub, dirs } = await setUp(hubFiles(), false);
    const result = await runModels(['fake', '--record'], dirs, hub.baseUrl);
    expect(result.exitCode).toBe(0);
    const manifest = parseManifest(JSON.parse(await readFile(dirs.manifestPath, 'utf8')));
    const asr = manifest.packs.fake?.components.asr;
    expect(asr?.source).toMatchObject({ kind: 'hub', revision: FAKE_COMMIT, revisionPinned: true });
    expect(asr?.files.find((file) => file.path === modelPath(encoder))).toEqual({
      path: modelPath(encoder),
      sizeBytes: encoder.bytes.length,
      sha256: sha256Hex(encoder.bytes),
      verified: true,
    });
    expect(hub.requests.some((request) => request.path.startsWith(`org/asr/resolve/${FAKE_COMMIT}/`))).toBe(true);
    expect((await runModels(['fake', '--verify'], dirs)).exitCode).toBe(0);
  });

  it('rejects a truncated body and puts nothing under the final name', async () => {
    const files = hubFiles();
    files[hubKey(llmModel)] = { bytes: llmModel.bytes, behaviour: 'truncate' };
    const { hub, dirs } = await setUp(files, true);
    const result = await runModels(['fake'], dirs, hub.baseUrl);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(modelPath(llmModel));
    expect(result.stderr).toMatch(/connection broke|sent \d+ of \d+ bytes/);
    expect(existsSync(join(dirs.modelsDir, modelPath(llmModel)))).toBe(false);
  });

  it('rejects a wrong hash naming the file, the expected and the actual hash, and keeps nothing', async () => {
    const files = hubFiles();
    const tampered = Buffer.from(voice.bytes);
    tampered[10] = (tampered[10] ?? 0) ^ 0xff;
    files[hubKey(voice)] = { bytes: tampered };
    const { hub, dirs } = await setUp(files, true);
    const result = await runModels(['fake'], dirs, hub.baseUrl);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(modelPath(voice));
    expect(result.stderr).toContain(`expected ${sha256Hex(voice.bytes)}, got ${sha256Hex(tampered)}`);
    expect(existsSync(join(dirs.modelsDir, modelPath(voice)))).toBe(false);
    expect(existsSync(join(dirs.modelsDir, `${modelPath(voice)}.partial`))).toBe(false);
  });

  it('reports a 404 with the URL and the status', async () => {
    const files = hubFiles();
    delete files[hubKey(config)];
    const { hub, dirs } = await setUp(files, true);
    const result = await runModels(['fake'], dirs, hub.baseUrl);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${hub.baseUrl}/${hubKey(config)}: the server answered HTTP 404`);
  });

  it('resumes with a Range request after the server died mid-file', async () => {
    const files = hubFiles();
    files[hubKey(encoder)] = { bytes: encoder.bytes, behaviour: 'die-once' };
    const { hub, dirs } = await setUp(files, true);
    const partialPath = join(dirs.modelsDir, `${modelPath(encoder)}.partial`);

    const first = await runModels(['fake'], dirs, hub.baseUrl);
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toContain('run the same command again to resume');
    const keptBytes = (await stat(partialPath)).size;
    expect(keptBytes).toBeGreaterThan(0);
    expect(existsSync(join(dirs.modelsDir, modelPath(encoder)))).toBe(false);

    const second = await runModels(['fake'], dirs, hub.baseUrl);
    expect(second.exitCode).toBe(0);
    const encoderRequests = hub.requests.filter((request) => request.path === hubKey(encoder));
    expect(encoderRequests.map((request) => request.range)).toEqual([undefined, `bytes=${keptBytes}-`]);
    expect(hub.bytesSentByPath.get(hubKey(encoder))).toBeLessThan(2 * encoder.bytes.length);
    expect(sha256Hex(await readFile(join(dirs.modelsDir, modelPath(encoder))))).toBe(sha256Hex(encoder.bytes));
    expect(existsSync(partialPath)).toBe(false);
  });

  it('restarts from zero when the server ignores Range (200 instead of 206)', async () => {
    const files = hubFiles();
    files[hubKey(encoder)] = { bytes: encoder.bytes, behaviour: 'ignore-range' };
    const { hub, dirs } = await setUp(files, true);
    const partialPath = join(dirs.modelsDir, `${modelPath(encoder)}.partial`);
    await mkdir(dirname(partialPath), { recursive: true });
    await writeFile(partialPath, encoder.bytes.subarray(0, 1000));
    const result = await runModels(['fake'], dirs, hub.baseUrl);
    expect(result.exitCode).toBe(0);
    expect(hub.requests.find((request) => request.path === hubKey(encoder))?.range).toBe('bytes=1000-');
    expect(sha256Hex(await readFile(join(dirs.modelsDir, modelPath(encoder))))).toBe(sha256Hex(encoder.bytes));
  });

  it('--verify works offline: lists missing and corrupt files with the command to fetch them', async () => {
    const { hub, dirs } = await setUp(hubFiles(), true);
    const missing = await runModels(['fake', '--verify'], dirs);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`${modelPath(encoder)}: missing`);
    expect(missing.stderr).toContain('npm run models -- fake');
    expect(missing.stderr).not.toContain('vad/silero_vad_v5.onnx');

    expect((await runModels(['fake'], dirs, hub.baseUrl)).exitCode).toBe(0);
    const requestsBefore = hub.requests.length;
    expect((await runModels(['fake', '--verify'], dirs)).exitCode).toBe(0);
    const corrupt = Buffer.from(voice.bytes);
    corrupt[0] = (corrupt[0] ?? 0) ^ 1;
    await writeFile(join(dirs.modelsDir, modelPath(voice)), corrupt);
    const corrupted = await runModels(['fake', '--verify'], dirs);
    expect(corrupted.exitCode).toBe(1);
    expect(corrupted.stderr).toContain(`${modelPath(voice)}: sha256 ${sha256Hex(corrupt)}, expected ${sha256Hex(voice.bytes)}`);
    expect(hub.requests.length).toBe(requestsBefore);
  });

  it('says npm install restores a missing npm-sourced file', async () => {
    const { hub, dirs } = await setUp(hubFiles(), true);
    await rm(join(dirs.modelsDir, 'vad/silero_vad_v5.onnx'));
    const result = await runModels(['fake'], dirs, hub.baseUrl);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('vad/silero_vad_v5.onnx: missing');
    expect(result.stderr).toContain('npm install (it copies @ricky0123/vad-web/dist/silero_vad_v5.onnx)');
  });

  it('gives one line naming the host and the mirror options when nothing listens', async () => {
    const port = await closedLoopbackPort();
    const dirs = await makeModelsDir(fakeManifest(true));
    tempDirs.push(dirs.modelsDir);
    const result = await runModels(['fake'], dirs, `http://127.0.0.1:${port}`);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `models: cannot reach 127.0.0.1:${port} (ECONNREFUSED): check the network, or set HF_ENDPOINT=<mirror URL> or pass --base-url <mirror URL>`,
    ]);
  });
});
