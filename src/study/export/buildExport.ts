// One downloadable file per export: the log as JSON, or a ZIP of the JSON and one WAV per kept turn.
import { strToU8, zipSync, type Zippable } from 'fflate';
import { encodeWav16 } from '../../audio/wav/writeWav';
import { entryKey, type LogEntry, type StudyLogContents } from '../log/studyLogDb';
import type { SessionRecord, TurnRecord } from '../log/records';
import type { StudyFile } from '../studyFile';

export const EXPORT_FORMAT = 'es4r-study-log';
export const EXPORT_FORMAT_VERSION = 1;
/** The JSON's name inside a ZIP export. */
export const ZIP_LOG_NAME = 'log.json';

export interface ExportedTurn extends TurnRecord {
  /** The turn's 16 kHz mono WAV inside the ZIP, or null when its audio was not kept. */
  audioFile: string | null;
}

export interface ExportedSession extends SessionRecord {
  turns: ExportedTurn[];
}

export interface StudyExport {
  format: typeof EXPORT_FORMAT;
  formatVersion: typeof EXPORT_FORMAT_VERSION;
  exportedAt: string;
  study: StudyFile;
  sessions: ExportedSession[];
}

export interface ExportFile {
  fileName: string;
  mimeType: 'application/json' | 'application/zip';
  bytes: Uint8Array;
}

/** The saved log with the entries still held in memory laid over it (a later entry replaces a saved one with its key). */
export function withUnsaved(saved: StudyLogContents, unsaved: readonly LogEntry[], studyId: string, sessionId?: string): StudyLogContents {
  const byKey = new Map<string, LogEntry>();
  saved.sessions.forEach((value) => byKey.set(entryKey({ store: 'sessions', value }), { store: 'sessions', value }));
  saved.turns.forEach((value) => byKey.set(entryKey({ store: 'turns', value }), { store: 'turns', value }));
  saved.audio.forEach((value) => byKey.set(entryKey({ store: 'audio', value }), { store: 'audio', value }));
  for (const entry of unsaved) {
    if (entry.value.studyId === studyId && (sessionId === undefined || entry.value.sessionId === sessionId)) byKey.set(entryKey(entry), entry);
  }
  const merged: StudyLogContents = { sessions: [], turns: [], audio: [] };
  for (const entry of byKey.values()) {
    if (entry.store === 'sessions') merged.sessions.push(entry.value);
    else if (entry.store === 'turns') merged.turns.push(entry.value);
    else merged.audio.push(entry.value);
  }
  return merged;
}

function audioPath(sessionId: string, turnNumber: number): string {
  return `audio/${sessionId}/turn-${String(turnNumber).padStart(2, '0')}.wav`;
}

/** The export's JSON document: sessions by start time, each with its turns in order and their audio file names. */
export function buildStudyExport(study: StudyFile, contents: StudyLogContents, exportedAt: Date): StudyExport {
  const audioKeys = new Set(contents.audio.map((audio) => `${audio.sessionId}/${audio.turnStartMs}`));
  const sessions = [...contents.sessions]
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .map((session) => ({
      ...session,
      turns: contents.turns
        .filter((turn) => turn.sessionId === session.sessionId)
        .sort((a, b) => a.turnNumber - b.turnNumber)
        .map((turn) => ({
          ...turn,
          audioFile: audioKeys.has(`${turn.sessionId}/${turn.user.startMs}`) ? audioPath(turn.sessionId, turn.turnNumber) : null,
        })),
    }));
  return { format: EXPORT_FORMAT, formatVersion: EXPORT_FORMAT_VERSION, exportedAt: exportedAt.toISOString(), study, sessions };
}

/** "2026-11-26T06:25:00.123Z" -> "20261126T062500Z": sortable and safe in file names. */
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** JSON when no audio is kept, else a ZIP holding log.json and audio/<session>/turn-NN.wav (16-bit PCM; stored, not deflated). */
export function buildExportFile(study: StudyFile, contents: StudyLogContents, exportedAt: Date, nameSuffix = ''): ExportFile {
  const document = buildStudyExport(study, contents, exportedAt);
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const baseName = `${study.id}${nameSuffix}-${compactTimestamp(exportedAt)}`;
  const wavs: Zippable = {};
  for (const session of document.sessions) {
    for (const turn of session.turns) {
      const audio = turn.audioFile && contents.audio.find((a) => a.sessionId === turn.sessionId && a.turnStartMs === turn.user.startMs);
      if (turn.audioFile && audio) wavs[turn.audioFile] = [encodeWav16(audio.pcm, audio.sampleRateHz), { level: 0 }];
    }
  }
  if (Object.keys(wavs).length === 0) return { fileName: `${baseName}.json`, mimeType: 'application/json', bytes: strToU8(json) };
  return { fileName: `${baseName}.zip`, mimeType: 'application/zip', bytes: zipSync({ [ZIP_LOG_NAME]: strToU8(json), ...wavs }) };
}
