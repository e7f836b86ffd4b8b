import { describe, expect, it } from 'vitest';
import { FIXED_REPLY } from './benchmarkReply';

describe('FIXED_REPLY', () => {
  it('has real clause and sentence ends for the chunker to find, at a typical reply length', () => {
    expect(FIXED_REPLY.split(' ')).toHaveLength(43);
    expect(FIXED_REPLY.match(/[.!?](\s|$)/gu)).toHaveLength(3);
    expect(FIXED_REPLY.split(' ').slice(0, 7).join(' ')).toBe("I'm so sorry you're going through this,");
  });
});
