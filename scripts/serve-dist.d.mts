export interface DistRoots {
  distDir: string;
  modelsDir: string;
}
export function contentTypeFor(path: string): string;
export function responseHeaders(urlPath: string, filePath?: string): Record<string, string>;
export function locateFile(urlPath: string, roots: DistRoots): string | null;
export function describeViolationReport(body: string): string;
export function createDistServer(roots: DistRoots, log?: (line: string) => void): import('node:http').Server;
