import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readWav } from '../../audio/wav/readWav';
import { parseStudyFile } from '../studyFile';
import { sampleAudio, sampleSession, sampleTurn } from '../testing/sampleRecords';
import { buildExportFile, buildStudyExport, compactTimestamp, withUnsaved, ZIP_LOG_NAME, type StudyExport } from './buildExport';

const study = parseStudyFile(JSON.parse(readFileSync(join(process.cwd(), 'public/studies/example.json'), 'utf8')));
const EXPORTED_AT = new Date('2026-11-26T07:00:00.000Z');
const first = sampleSession(study.id, 'P001', '2026-11-26T06:25:00.000Z');
const second = sampleSession(study.id, 'P002', '2026-11-26T06:40:00.000Z');
const turns = [sampleTurn(second, 1), sampleTurn(first, 2), sampleTurn(first, 1)];

describe('buildStudyExport', () => {
  it('orders sessions by start and turns by number, and names audio files only for kept turns', () => {
    const audio = [sampleAudio(turns[2]!)];
    const document = buildStudyExport(study, { sessions: [second, first], turns, audio }, EXPORTED_AT);
    expect(document.format).toBe('es4r-study-log');
    expect(document.exportedAt).toBe('2026-11-26T07:00:00.000Z');
    expect(document.study).toEqual(study);
    expect(document.sessions.map((s) => [s.participantId, s.turns.map((t) => t.turnNumber)])).toEqual([
      ['P001', [1, 2]],
      ['P002', [1]],
    ]);
    expect(document.sessions[0]!.turns.map((t) => t.audioFile)).toEqual([`audio/${first.sessionId}/turn-01.wav`, null]);
  });

  it('lays entries still held in memory over the saved ones, for this study (and session) only', () => {
    const saved = { sessions: [first], turns: [sampleTurn(first, 1, 'old')], audio: [] };
    const unsaved = [
      { store: 'turns', value: sampleTurn(first, 1, 'new') },
      { store: 'turns', value: sampleTurn(first, 2) },
      { store: 'sessions', value: sampleSession('another-study', 'P009') },
      { store: 'sessions', value: second },
    ] as const;
    const merged = withUnsaved(saved, unsaved, study.id);
    expect(merged.turns.map((t) => t.user.transcript)).toEqual(['new', 'turn 2']);
    expect(merged.sessions.map((s) => s.participantId)).toEqual(['P001', 'P002']);
    expect(withUnsaved(saved, unsaved, study.id, first.sessionId).sessions.map((s) => s.participantId)).toEqual(['P001']);
  });
});

describe('buildExportFile', () => {
  it('is one JSON file when no audio was kept', () => {
    const file = buildExportFile(study, { sessions: [first], turns: turns.slice(1), audio: [] }, EXPORTED_AT);
    expect(file.fileName).toBe('example-pilot-20261126T070000Z.json');
    expect(file.mimeType).toBe('application/json');
    const document = JSON.parse(strFromU8(file.bytes)) as StudyExport;
    expect(document.sessions[0]!.turns.map((t) => t.user.transcript)).toEqual(['turn 1', 'turn 2']);
  });

  it('is a ZIP of log.json and one 16 kHz 16-bit WAV per kept turn, which read back within 1 LSB', () => {
    const audio = [sampleAudio(turns[2]!, 1600), sampleAudio(turns[1]!, 3200), sampleAudio(turns[0]!, 800)];
    const file = buildExportFile(study, { sessions: [first, second], turns, audio }, EXPORTED_AT, '-all');
    expect(file.fileName).toBe('example-pilot-all-20261126T070000Z.zip');
    expect(file.mimeType).toBe('application/zip');
    const entries = unzipSync(file.bytes);
    expect(Object.keys(entries).sort()).toEqual([
      `audio/${first.sessionId}/turn-01.wav`,
      `audio/${first.sessionId}/turn-02.wav`,
      `audio/${second.sessionId}/turn-01.wav`,
      ZIP_LOG_NAME,
    ]);
    const document = JSON.parse(strFromU8(entries[ZIP_LOG_NAME]!)) as StudyExport;
    for (const [session, expected] of [
      [0, [1600, 3200]],
      [1, [800]],
    ] as const) {
      document.sessions[session]!.turns.forEach((turn, i) => {
        const wav = readWav(entries[turn.audioFile!]!);
        expect(wav).toMatchObject({ sampleRateHz: 16000, channelCount: 1, bitsPerSample: 16, format: 'pcm' });
        expect(wav.samples.length).toBe(expected[i]);
        const source = audio.find((a) => a.sessionId === turn.sessionId && a.turnStartMs === turn.user.startMs)!.pcm;
        const maxError = wav.samples.reduce((max, x, j) => Math.max(max, Math.abs(x - source[j]!)), 0);
        expect(maxError).toBeLessThanOrEqual(1 / 32767);
      });
    }
  });

  it('names files with a sortable UTC stamp', () => {
    expect(compactTimestamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });
});
