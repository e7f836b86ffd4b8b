import { packFilesThatRun, type Manifest } from '../../src/models/manifest';
import { formatBytes } from './progressBar';

/** Size of a file under public/models in bytes, or null when it is absent. */
export type StatFile = (pathUnderModels: string) => number | null;

export interface PackStatus {
  pack: string;
  complete: boolean;
  missingPaths: string[];
  fileSizesBytes: Record<string, number>;
  /** Sum of the manifest's sizes of the hub files (rounded when unverified); 0 for a pack built locally. */
  downloadSizeBytes: number;
}

/**
 * Which packs are complete, from presence and size only (hashing gigabytes would make `npm start` slow):
 * a file counts when it is present and non-empty, and of the exact recorded size once verified.
 */
export function packStatuses(manifest: Manifest, statFile: StatFile): PackStatus[] {
  return Object.keys(manifest.packs).map((pack) => {
    const status: PackStatus = { pack, complete: true, missingPaths: [], fileSizesBytes: {}, downloadSizeBytes: 0 };
    for (const { component, file } of packFilesThatRun(manifest, pack)) {
      if (component.source.kind === 'hub') status.downloadSizeBytes += file.sizeBytes ?? 0;
      const sizeBytes = statFile(file.path);
      const usable = sizeBytes !== null && sizeBytes > 0 && (!file.verified || sizeBytes === file.sizeBytes);
      if (usable) status.fileSizesBytes[file.path] = sizeBytes;
      else status.missingPaths.push(file.path);
    }
    status.complete = status.missingPaths.length === 0;
    return status;
  });
}

export function describeStatuses(statuses: readonly PackStatus[], modelsDirLabel: string): string {
  const complete = statuses.filter((status) => status.complete).map((status) => status.pack);
  if (complete.length > 0) return `models: complete packs in ${modelsDirLabel}: ${complete.join(', ')}\n`;
  const missing = statuses.map((status) => `${status.pack}: ${status.missingPaths.length} file(s) missing`).join(', ');
  const defaultPack = statuses.find((status) => status.pack === 'default');
  const size = defaultPack && defaultPack.downloadSizeBytes > 0 ? ` (about ${formatBytes(defaultPack.downloadSizeBytes)} from the model hub)` : '';
  return [
    `models: no model pack is complete in ${modelsDirLabel} (${missing}). Fetch one:`,
    `  npm run models -- default${size}`,
    '  npm run make:tiny-pack    (generated test models, no network)',
    '',
  ].join('\n');
}
