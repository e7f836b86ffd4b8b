import { describe, expect, it } from 'vitest';
import { FIXED_REPLY, FixedReplyWords } from './benchmarkReply';

describe('FixedReplyWords', () => {
  it('maps each completed written word to the next fixed word, whatever the deltas look like', () => {
    const words = new FixedReplyWords();
    // Noise as a streamer hands it over: cut after spaces, one word split across two deltas, a bare space first.
    const deltas = [' ', 'qx7 ', 'zor', 'bl ', 'a b c ', 'tail'];
    const spoken = deltas.map((delta) => words.push(delta));
    expect(spoken).toEqual(['', "I'm", '', ' so', ' sorry you\'re going', '']);
    expect(words.wordsSpoken).toBe(5);
  });

  it('hands over the rest of the fixed reply at the end, so the whole of it is spoken once', () => {
    const words = new FixedReplyWords();
    const text = words.push('one two three ') + words.finish();
    expect(text).toBe(FIXED_REPLY);
    expect(words.finish()).toBe('');
  });

  it('says nothing more once the fixed reply is used up', () => {
    const words = new FixedReplyWords();
    words.push('w '.repeat(100));
    expect(words.push('more words ')).toBe('');
  });

  it('has real clause and sentence ends for the chunker to find, at a typical reply length', () => {
    expect(FIXED_REPLY.split(' ')).toHaveLength(43);
    expect(FIXED_REPLY.match(/[.!?](\s|$)/gu)).toHaveLength(3);
    expect(FIXED_REPLY.split(' ').slice(0, 7).join(' ')).toBe("I'm so sorry you're going through this,");
  });
});
