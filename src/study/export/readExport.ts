// Reads an export back (the JSON, or the ZIP with its WAVs) for re-analysis: the study:summary CLI and tests.
import { strFromU8, unzipSync } from 'fflate';
import { EXPORT_FORMAT, ZIP_LOG_NAME, type StudyExport } from './buildExport';

export interface ReadExport {
  log: StudyExport;
  /** WAV bytes by their path in the ZIP (empty for a JSON export). */
  wavs: Map<string, Uint8Array>;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function readExport(bytes: Uint8Array): ReadExport {
  const isZip = ZIP_MAGIC.every((byte, i) => bytes[i] === byte);
  const wavs = new Map<string, Uint8Array>();
  let text: string;
  if (isZip) {
    const entries = unzipSync(bytes);
    const log = entries[ZIP_LOG_NAME];
    if (!log) throw new Error(`the ZIP holds no ${ZIP_LOG_NAME}: not a study export`);
    text = strFromU8(log);
    for (const [name, data] of Object.entries(entries)) if (name.endsWith('.wav')) wavs.set(name, data);
  } else {
    text = strFromU8(bytes);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`the export is neither a ZIP nor JSON: ${(error as Error).message}`);
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== EXPORT_FORMAT) throw new Error(`not a study export (format ${JSON.stringify(format)}, expected "${EXPORT_FORMAT}")`);
  return { log: json as StudyExport, wavs };
}
