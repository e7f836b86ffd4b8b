import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseStudyFile } from '../studyFile';
import { sampleAudio, sampleSession, sampleTurn } from '../testing/sampleRecords';
import { buildExportFile, buildStudyExport } from './buildExport';
import { readExport } from './readExport';
import { formatSessionTable } from './summaryTable';

const study = parseStudyFile(JSON.parse(readFileSync(join(process.cwd(), 'public/studies/example.json'), 'utf8')));
const session = { ...sampleSession(study.id, 'P001'), endReason: 'turnLimit' as const };
const turns = [sampleTurn(session, 1), sampleTurn(session, 2)];
const AT = new Date('2026-11-26T07:00:00.000Z');

describe('readExport', () => {
  it('reads a JSON export and a ZIP export with its WAVs', () => {
    const json = readExport(buildExportFile(study, { sessions: [session], turns, audio: [] }, AT).bytes);
    expect(json.log.sessions[0]!.turns).toHaveLength(2);
    expect(json.wavs.size).toBe(0);
    const zip = readExport(buildExportFile(study, { sessions: [session], turns, audio: [sampleAudio(turns[1]!)] }, AT).bytes);
    expect([...zip.wavs.keys()]).toEqual([`audio/${session.sessionId}/turn-02.wav`]);
  });

  it('says what is wrong with a file that is not an export', () => {
    expect(() => readExport(strToU8('{"format":"something-else"}'))).toThrow('not a study export (format "something-else", expected "es4r-study-log")');
    expect(() => readExport(strToU8('hello'))).toThrow(/^the export is neither a ZIP nor JSON/);
    expect(() => readExport(zipSync({ 'notes.txt': strToU8('x') }))).toThrow('the ZIP holds no log.json: not a study export');
  });
});

describe('formatSessionTable', () => {
  it('prints one aligned line per turn under a title naming participant, condition and end', () => {
    const [exported] = buildStudyExport(study, { sessions: [session], turns, audio: [] }, AT).sessions;
    const lines = formatSessionTable(exported!).split('\n');
    expect(lines[0]).toBe('P001 · condition es4r-text · 2026-11-26T06:25:00.000Z · ended: turnLimit · audio kept');
    expect(lines[1]).toMatch(/^ {2}turn {2}start s {2}dur s {2}energy dB {2}Δe dB {2}strategy {2}path {2}voice/);
    expect(lines[2]).toBe('     1     5.00   1.50      -19.0      -  neutral   text  neutral 1x     120       900  i hear you. (complete)');
    expect(lines).toHaveLength(4);
  });
});
