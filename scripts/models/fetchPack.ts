import { join } from 'node:path';
import { packFiles, packFilesThatRun, pathInRepo, type Manifest, type PackFile } from '../../src/models/manifest';
import { downloadFile } from './downloadFile';
import { hubFileUrl } from './hubUrl';
import { PackProgress, type ProgressOutput } from './progressBar';
import { checkFile, fileSizeBytes, sha256File, type FileProblem } from './verify';

export interface FetchPackOptions {
  manifest: Manifest;
  packName: string;
  modelsDir: string;
  baseUrl: string;
  /** Every dtype of the pack (a kiosk that must run on any device), not only those some device runs. */
  allDtypes?: boolean;
  /** Write measured sizes, hashes and resolved commits into the manifest. */
  record: boolean;
  idleTimeoutMs: number;
  output: ProgressOutput;
  /** Called after each recorded change so that an interrupted run keeps what it measured. */
  saveManifest: (manifest: Manifest) => Promise<void>;
}

export interface FetchPackOutcome {
  /** Files this tool does not download (npm, generated) that are missing. */
  problems: FileProblem[];
  downloadedPaths: string[];
  /** Hub files accepted without a sha256 to compare against. */
  uncheckedPaths: string[];
}

/** Downloads the pack's hub files that are missing or wrong, and checks the presence of the others. */
export async function fetchPack(options: FetchPackOptions): Promise<FetchPackOutcome> {
  const entries = options.allDtypes ? packFiles(options.manifest, options.packName) : packFilesThatRun(options.manifest, options.packName);
  const outcome: FetchPackOutcome = { problems: [], downloadedPaths: [], uncheckedPaths: [] };
  for (const entry of entries.filter((e) => e.component.source.kind !== 'hub')) {
    const problem = await checkFile(options.modelsDir, entry, options.packName, false);
    if (problem) outcome.problems.push(problem);
  }
  const hubEntries = entries.filter((e) => e.component.source.kind === 'hub');
  const progress = new PackProgress(options.output, sumKnownSizes(hubEntries));
  for (const entry of hubEntries) await fetchHubFile(entry, options, progress, outcome);
  return outcome;
}

async function fetchHubFile(entry: PackFile, options: FetchPackOptions, progress: PackProgress, outcome: FetchPackOutcome): Promise<void> {
  const { component, file } = entry;
  if (component.source.kind !== 'hub') return;
  const targetPath = join(options.modelsDir, file.path);
  // --record fetches a present file that has no sha256 again: local bytes of an unknown commit must not be recorded, and only a download tells the commit to pin.
  const presentBytes = options.record && file.sha256 === null ? null : await fileSizeBytes(targetPath);
  if (presentBytes !== null && (!file.verified || presentBytes === file.sizeBytes)) {
    if (file.sha256 === null && !options.record) {
      outcome.uncheckedPaths.push(file.path);
      progress.finishFile(presentBytes);
      return;
    }
    const actualSha256 = await sha256File(targetPath);
    if (file.sha256 === null || actualSha256 === file.sha256) {
      if (options.record) await record(options, file.path, presentBytes, actualSha256);
      progress.finishFile(presentBytes);
      return;
    }
    options.output.write(`${file.path}: differs from the manifest's sha256, downloading it again\n`);
  }

  const source = component.source;
  progress.startFile();
  const result = await downloadFile({
    url: hubFileUrl(options.baseUrl, source.repo, source.revision, pathInRepo(component, file)),
    targetPath,
    label: file.path,
    expectedSha256: file.sha256,
    expectedSizeBytes: file.verified ? file.sizeBytes : null,
    idleTimeoutMs: options.idleTimeoutMs,
    onProgress: (doneBytes, totalBytes) => progress.update(file.path, doneBytes, totalBytes ?? file.sizeBytes ?? undefined),
  });
  progress.finishFile(result.sizeBytes);
  outcome.downloadedPaths.push(file.path);
  if (file.sha256 === null && !options.record) outcome.uncheckedPaths.push(file.path);
  if (!options.record) return;
  if (result.repoCommit && !source.revisionPinned) pinRevision(options.manifest, source.repo, source.revision, result.repoCommit);
  await record(options, file.path, result.sizeBytes, result.sha256);
}

/** Records a measured file in every pack that lists the same path (packs share components). */
async function record(options: FetchPackOptions, path: string, sizeBytes: number, sha256: string): Promise<void> {
  for (const pack of Object.values(options.manifest.packs)) {
    for (const component of Object.values(pack.components)) {
      for (const file of component?.files ?? []) {
        if (file.path !== path) continue;
        file.sizeBytes = sizeBytes;
        file.sha256 = sha256;
        file.verified = true;
      }
    }
  }
  await options.saveManifest(options.manifest);
}

/** Replaces a branch or tag by the commit the hub resolved it to, wherever the same repo and revision appear. */
function pinRevision(manifest: Manifest, repo: string, revision: string, commit: string): void {
  if (!/^[0-9a-f]{40}$/.test(commit)) return;
  for (const pack of Object.values(manifest.packs)) {
    for (const component of Object.values(pack.components)) {
      const source = component?.source;
      if (source?.kind !== 'hub' || source.repo !== repo || source.revision !== revision) continue;
      source.revision = commit;
      source.revisionPinned = true;
    }
  }
}

function sumKnownSizes(entries: readonly PackFile[]): number | undefined {
  let totalBytes = 0;
  for (const { file } of entries) {
    if (file.sizeBytes === null) return undefined;
    totalBytes += file.sizeBytes;
  }
  return totalBytes;
}
