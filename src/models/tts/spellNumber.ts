// Numbers as English words, for speech: cardinals, ordinals, years and digit strings.

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: [value: number, name: string][] = [[1e12, 'trillion'], [1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']];

/** Irregular ordinal endings; the rest add "th" (with "y" -> "ieth"). */
const ORDINAL_WORDS: Record<string, string> = { one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth' };

function belowHundred(n: number): string {
  if (n < 20) return ONES[n]!;
  const tens = TENS[Math.floor(n / 10)]!;
  return n % 10 === 0 ? tens : `${tens}-${ONES[n % 10]!}`;
}

function belowThousand(n: number): string {
  if (n < 100) return belowHundred(n);
  const hundreds = `${ONES[Math.floor(n / 100)]!} hundred`;
  return n % 100 === 0 ? hundreds : `${hundreds} ${belowHundred(n % 100)}`;
}

/** A non-negative integer in words ("1204" -> "one thousand two hundred four"); beyond 10^15, digit by digit. */
export function spellInteger(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 1e15) return spellDigits(String(n));
  if (n < 1000) return belowThousand(n);
  const words: string[] = [];
  let rest = n;
  for (const [value, name] of SCALES) {
    if (rest < value) continue;
    words.push(`${belowThousand(Math.floor(rest / value))} ${name}`);
    rest %= value;
  }
  if (rest > 0) words.push(belowThousand(rest));
  return words.join(' ');
}

/** Each digit as a word ("07" -> "zero seven"), for decimals and long digit strings. */
export function spellDigits(digits: string): string {
  return [...digits].filter((c) => c >= '0' && c <= '9').map((c) => ONES[Number(c)]!).join(' ');
}

/** An ordinal in words ("21" -> "twenty-first"). */
export function spellOrdinal(n: number): string {
  const words = spellInteger(n);
  return words.replace(/([a-z]+)$/, (last) => ORDINAL_WORDS[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`));
}

/** A year as people say it: 1999 -> "nineteen ninety-nine", 2005 -> "two thousand five", 1900 -> "nineteen hundred". */
export function spellYear(year: number): string {
  const century = Math.floor(year / 100);
  const rest = year % 100;
  if (year % 1000 < 10 || century % 10 === 0) return spellInteger(year);
  if (rest === 0) return `${belowHundred(century)} hundred`;
  return `${belowHundred(century)} ${rest < 10 ? `oh ${ONES[rest]!}` : belowHundred(rest)}`;
}
