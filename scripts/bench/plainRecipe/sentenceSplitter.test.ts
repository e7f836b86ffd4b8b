import { describe, expect, it } from 'vitest';
import { SentenceSplitter } from './sentenceSplitter';

describe('SentenceSplitter', () => {
  it('hands over a sentence once the white space after its end arrives', () => {
    const splitter = new SentenceSplitter();
    expect(splitter.push("I'm so sorry, it sounds")).toEqual([]);
    expect(splitter.push(' hard.')).toEqual([]);
    expect(splitter.push(' It makes sense! Really? Yes')).toEqual(["I'm so sorry, it sounds hard.", 'It makes sense!', 'Really?']);
    expect(splitter.flush()).toEqual(['Yes']);
    expect(splitter.flush()).toEqual([]);
  });

  it('keeps clause marks inside the sentence: the plain recipe speaks whole sentences only', () => {
    const splitter = new SentenceSplitter();
    expect(splitter.push('One, two; three: four ')).toEqual([]);
    expect(splitter.flush()).toEqual(['One, two; three: four']);
  });
});
