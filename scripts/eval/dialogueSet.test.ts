import { describe, expect, it } from 'vitest';
import { parseDialogueSet } from './dialogueSet';

describe('parseDialogueSet', () => {
  it('resolves audio against the set file and reads one WAV or a list of turn WAVs, with or without references', () => {
    const text = ['{"id":"a","audio":"a.wav","references":["r1","r2"]}', '', '{"id":"b","audio":["t1.wav","sub/t2.wav"]}'].join('\n');
    const { dialogues, problems } = parseDialogueSet(text, '/data/set/dialogues.jsonl');
    expect(problems).toEqual([]);
    expect(dialogues).toEqual([
      { line: 1, id: 'a', audioPaths: ['/data/set/a.wav'], references: ['r1', 'r2'] },
      { line: 3, id: 'b', audioPaths: ['/data/set/t1.wav', '/data/set/sub/t2.wav'], references: null },
    ]);
  });

  it('names each bad line and keeps the good ones', () => {
    const text = [
      '{"id":"ok","audio":"ok.wav"}',
      '{"id":"broken", "audio": 3}',
      'not json',
      '{"id":"ok","audio":"again.wav"}',
      '{"id":"extra","audio":"x.wav","speaker":"me"}',
      '{"id":"refs","audio":"x.wav","references":"one"}',
    ].join('\n');
    const { dialogues, problems } = parseDialogueSet(text, 'set.jsonl');
    expect(dialogues.map((d) => d.id)).toEqual(['ok']);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toBe('line 2: audio: must be a WAV path or a non-empty list of WAV paths');
    expect(problems[1]).toMatch(/^line 3: not JSON/);
    expect(problems[2]).toBe('line 4: id "ok" was already used on line 1');
    expect(problems[3]).toMatch(/^line 5: .*speaker/);
    expect(problems[4]).toBe('line 6: references: must be a list of reference replies (strings)');
  });
});
