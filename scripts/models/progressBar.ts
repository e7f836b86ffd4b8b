const BAR_WIDTH_CHARS = 24;
/** Non-TTY output gets one line each time a file crosses a multiple of this percentage. */
const LOG_STEP_PERCENT = 10;

export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function renderBar(fraction: number, widthChars = BAR_WIDTH_CHARS): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * widthChars);
  return `[${'#'.repeat(filled)}${'-'.repeat(widthChars - filled)}]`;
}

function percent(doneBytes: number, totalBytes: number | undefined): number | undefined {
  return totalBytes && totalBytes > 0 ? Math.min(100, Math.floor((doneBytes / totalBytes) * 100)) : undefined;
}

/**
 * Progress of one file and of the whole pack. On a TTY one status line is redrawn in place;
 * elsewhere (CI logs, pipes) a line is printed every 10% so logs stay short.
 */
export class PackProgress {
  private finishedBytes = 0;
  private lastLoggedStep = -1;

  constructor(
    private readonly output: ProgressOutput,
    /** Sum of the expected file sizes (the manifest's, possibly rounded); undefined when unknown. */
    private readonly packTotalBytes: number | undefined,
  ) {}

  startFile(): void {
    this.lastLoggedStep = -1;
  }

  update(name: string, fileDoneBytes: number, fileTotalBytes: number | undefined): void {
    const filePercent = percent(fileDoneBytes, fileTotalBytes);
    const packDoneBytes = this.finishedBytes + fileDoneBytes;
    const packPercent = percent(packDoneBytes, this.packTotalBytes);
    const fileSize = `${formatBytes(fileDoneBytes)}${fileTotalBytes ? `/${formatBytes(fileTotalBytes)}` : ''}`;
    if (this.output.isTTY) {
      const fileBar = `${renderBar((filePercent ?? 0) / 100)} ${String(filePercent ?? '?').padStart(3)}%`;
      const packBar = `${renderBar((packPercent ?? 0) / 100, 12)} ${String(packPercent ?? '?').padStart(3)}%`;
      this.output.write(`\r\x1b[2K${fileBar} ${name} ${fileSize} | pack ${packBar}`);
      return;
    }
    if (filePercent === undefined) return;
    const step = Math.floor(filePercent / LOG_STEP_PERCENT);
    if (step === this.lastLoggedStep) return;
    this.lastLoggedStep = step;
    const packPart = packPercent === undefined ? '' : `, pack ${packPercent}%`;
    this.output.write(`${name}: ${filePercent}% (${fileSize})${packPart}\n`);
  }

  finishFile(sizeBytes: number): void {
    this.finishedBytes += sizeBytes;
    if (this.output.isTTY) this.output.write('\r\x1b[2K');
  }
}
