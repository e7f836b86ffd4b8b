import { describe, expect, it } from 'vitest';
import { FIXED_REPLY, FixedReplyWords } from './benchmarkReply';

describe('FixedReplyWords', () => {
  it('speaks the next fixed word for each token mark, and never the model\'s own text', () => {
    const words = new FixedReplyWords();
    // A token mark precedes the text (if any) its token completes, as ReplyEngine sends them.
    const deltas = ['', '', 'qx7 zor', '', '', 'bl '];
    expect(deltas.map((delta) => words.push(delta))).toEqual(["I'm", ' so', '', ' sorry', " you're", '']);
    expect(words.wordsSpoken).toBe(4);
  });

  it('hands over the rest of the fixed reply at the end, so the whole of it is spoken once', () => {
    const words = new FixedReplyWords();
    const text = words.push('') + words.push('') + words.finish();
    expect(text).toBe(FIXED_REPLY);
    expect(words.finish()).toBe('');
  });

  it('says nothing more once the fixed reply is used up', () => {
    const words = new FixedReplyWords();
    for (let i = 0; i < 43; i++) words.push('');
    expect(words.push('')).toBe('');
    expect(words.wordsSpoken).toBe(43);
  });

  it('has real clause and sentence ends for the chunker to find, at a typical reply length', () => {
    expect(FIXED_REPLY.split(' ')).toHaveLength(43);
    expect(FIXED_REPLY.match(/[.!?](\s|$)/gu)).toHaveLength(3);
    expect(FIXED_REPLY.split(' ').slice(0, 7).join(' ')).toBe("I'm so sorry you're going through this,");
  });
});
