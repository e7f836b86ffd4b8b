import type { ExportFile } from '../../study/export/buildExport';

/** Saves the export through the browser's own download (a blob: URL on an <a download>): nothing is uploaded. */
export function downloadFile(file: ExportFile | null): void {
  if (file === null) return;
  const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mimeType }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = file.fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has taken its copy long before; the URL only needs to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
