import { describe, expect, it } from 'vitest';
import { normalizeForSpeech } from './normalizeText';
import { spellInteger, spellOrdinal, spellYear } from './spellNumber';

describe('normalizeForSpeech', () => {
  it.each([
    ['I have 3 cats.', 'I have three cats.'],
    ['It costs $5.', 'It costs five dollars.'],
    ['It costs $5.50 or $1.', 'It costs five dollars and fifty cents or one dollar.'],
    ['We are 25% done, or 2.5%.', 'We are twenty-five percent done, or two point five percent.'],
    ['Pi is 3.14', 'Pi is three point one four'],
    ['Meet at 3:30, not 3:05 or 4:00.', "Meet at three thirty, not three oh five or four o'clock."],
    ['The 1st, 2nd, 3rd and 21st.', 'The first, second, third and twenty-first.'],
    ['Born in 1999, moved in 2005, back in 1905.', 'Born in nineteen ninety-nine, moved in two thousand five, back in nineteen oh five.'],
    ['In the 1990s.', 'In the nineteen nineties.'],
    ['1,234 people', 'one thousand two hundred thirty-four people'],
    ['Dr. Lee and Mr. and Mrs. Smith', 'Doctor Lee and Mister and Missus Smith'],
    ['Fruit, e.g. apples, etc. Cats vs. dogs.', 'Fruit, for example apples, et cetera. Cats versus dogs.'],
    ['Salt & pepper', 'Salt and pepper'],
    ['It is -5 outside', 'It is minus five outside'],
    ['**Take** a _deep_ `breath`', 'Take a deep breath'],
    ['# Breathe\n> slowly\n- in\n- out', 'Breathe. slowly. in. out'],
    ['Read [this guide](https://example.org/x) now', 'Read this guide now'],
    ['See https://www.nhs.uk/mental-health/ today', 'See nhs dot uk today'],
    ["You're doing great 💪🏽! 🎉", "You're doing great!"],
    ['Wait... really -- yes', 'Wait… really — yes'],
  ])('%j -> %j', (text, expected) => {
    expect(normalizeForSpeech(text)).toBe(expected);
  });

  it.each([['😀🎉👍🏽'], ['** # ` _ >'], ['   \n '], ['```\nconst x = 1;\n```'], ['!?...'], ['']])('%j has nothing speakable', (text) => {
    expect(normalizeForSpeech(text)).toBe('');
  });
});

describe('spellNumber', () => {
  it('spells integers, ordinals and years', () => {
    expect(spellInteger(0)).toBe('zero');
    expect(spellInteger(115)).toBe('one hundred fifteen');
    expect(spellInteger(2_000_019)).toBe('two million nineteen');
    expect(spellOrdinal(12)).toBe('twelfth');
    expect(spellOrdinal(40)).toBe('fortieth');
    expect(spellYear(1900)).toBe('nineteen hundred');
    expect(spellYear(2000)).toBe('two thousand');
  });
});
