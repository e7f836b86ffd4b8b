import { describe, expect, it } from 'vitest';
import { phonemizeEnglish } from './phonemize';

describe('phonemizeEnglish (espeak-ng en-us)', () => {
  it('phonemizes American English with stress marks', async () => {
    expect(await phonemizeEnglish('hello world')).toBe('həlˈoʊ wˈɜːld');
  });

  it('keeps sentence and clause punctuation, which espeak drops', async () => {
    expect(await phonemizeEnglish('Hello, world. Okay?')).toBe('həlˈoʊ, wˈɜːld. oʊkˈeɪ?');
  });

  it('returns an empty string for blank text', async () => {
    expect(await phonemizeEnglish('  ')).toBe('');
  });

  it('uses only ɹ, never espeak r, as Kokoro expects', async () => {
    expect(await phonemizeEnglish('red carrot')).not.toMatch(/r/);
  });
});
