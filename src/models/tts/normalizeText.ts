// English text -> what a speaker would say: markup, emoji and URLs out; numbers, symbols and abbreviations in words.
import { spellDigits, spellInteger, spellOrdinal, spellYear } from './spellNumber';

/** Rewrite steps, applied in order: markup first, so that "**5%**" reaches the number rules as "5%". */
type Rule = [pattern: RegExp, replacement: string | ((match: string, ...groups: string[]) => string)];

const MARKUP_RULES: Rule[] = [
  [/```[\s\S]*?```/g, ' '],
  [/!\[[^\]]*\]\([^)]*\)/g, ' '],
  [/\[([^\]]*)\]\([^)]*\)/g, '$1'],
  [/^\s{0,3}(?:#{1,6}|>+|[-*+]|\d+[.)])\s+/gm, ''],
  [/(\*{1,3}|_{1,3}|~~|`)(\S(?:[\s\S]*?\S)?)\1/g, '$2'],
  [/[*_`~#>|]+/g, ' '],
  // A line break after unpunctuated text (a heading, a list item) is a sentence end when spoken.
  [/([\p{L}\p{N}])[ \t]*\n\s*/gu, '$1. '],
];

/** Emoji, their joiners, variation selectors, skin tones and flags: nothing a voice can say. */
const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}\u200d\ufe0e\ufe0f\u20e3]/gu;

/** A web address is reduced to its host name, spoken with "dot" (the path and query are dropped). */
const URL_RULE: Rule = [
  /\b(?:https?:\/\/|www\.)(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)[^\s)\]]*/gi,
  (_url, host: string) => host.split('.').join(' dot '),
];

const ABBREVIATIONS: Rule[] = [
  [/\bDr\./g, 'Doctor'],
  [/\bMrs\./g, 'Missus'],
  [/\bMr\./g, 'Mister'],
  [/\bMs\./g, 'Miz'],
  [/\bSt\.(?= [A-Z])/g, 'Saint'],
  [/\be\.g\.(?=\s|,|$)/gi, 'for example'],
  [/\bi\.e\.(?=\s|,|$)/gi, 'that is'],
  [/\betc\./gi, 'et cetera.'],
  [/\bvs\.?(?=\s)/gi, 'versus'],
  [/\ba\.m\.(?=\s|$)|\bam\b(?<=\d\s?am)/gi, 'a m'],
  [/\bp\.m\.(?=\s|$)|\bpm\b(?<=\d\s?pm)/gi, 'p m'],
];

const CURRENCIES: Record<string, [one: string, many: string]> = { $: ['dollar', 'dollars'], '\u00a3': ['pound', 'pounds'], '\u20ac': ['euro', 'euros'] };

function spellMoney(symbol: string, whole: string, cents: string | undefined): string {
  const [one, many] = CURRENCIES[symbol]!;
  const amount = Number(whole.replaceAll(',', ''));
  const main = `${spellInteger(amount)} ${amount === 1 ? one : many}`;
  const centCount = cents === undefined ? 0 : Number(cents.padEnd(2, '0'));
  return centCount === 0 ? main : `${main} and ${spellInteger(centCount)} ${centCount === 1 ? 'cent' : 'cents'}`;
}

function spellTime(hours: string, minutes: string): string {
  const m = Number(minutes);
  if (m === 0) return `${spellInteger(Number(hours))} o'clock`;
  return `${spellInteger(Number(hours))} ${m < 10 ? `oh ${spellInteger(m)}` : spellInteger(m)}`;
}

function spellDecimal(whole: string, fraction: string | undefined): string {
  const integer = spellInteger(Number(whole));
  return fraction === undefined ? integer : `${integer} point ${spellDigits(fraction)}`;
}

const NUMBER_RULES: Rule[] = [
  [/([$\u00a3\u20ac])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\b/g, (_m, symbol: string, whole: string, cents: string | undefined) => spellMoney(symbol, whole, cents)],
  [/\b(1[1-9]\d\d|20\d\d)s\b/g, (_m, year: string) => spellYear(Number(year)).replace(/y$/, 'ie') + 's'],
  [/(?<![\d.,])\b(1[1-9]\d\d|20\d\d)\b(?![.,]\d)/g, (_m, year: string) => spellYear(Number(year))],
  [/(\d),(?=\d{3}\b)/g, '$1'],
  [/\b([01]?\d|2[0-3]):([0-5]\d)\b/g, (_m, hours: string, minutes: string) => spellTime(hours, minutes)],
  [/\b(\d+)(?:st|nd|rd|th)\b/gi, (_m, n: string) => spellOrdinal(Number(n))],
  [/(?<![\w.])-(?=\d)/g, 'minus '],
  [/\b(\d+)(?:\.(\d+))?\s*%/g, (_m, whole: string, fraction: string | undefined) => `${spellDecimal(whole, fraction)} percent`],
  [/\b(\d+)(?:\.(\d+))?\b/g, (_m, whole: string, fraction: string | undefined) => spellDecimal(whole, fraction)],
];

const SYMBOL_RULES: Rule[] = [
  [/&/g, ' and '],
  [/%/g, ' percent '],
  [/\+/g, ' plus '],
  [/=/g, ' equals '],
  [/@/g, ' at '],
  [/\.{3,}/g, '\u2026'],
  [/\s+-{1,2}\s+|--/g, ' \u2014 '],
  [/[\u2018\u2019]/g, "'"],
];

/** Anything left that is not a letter, an apostrophe, a hyphen inside a word, whitespace or prosody punctuation. */
const UNSPEAKABLE = /[^\p{L}\p{M}\s'.,!?;:\u2014\u2026-]+|(?<!\p{L})-|-(?!\p{L})/gu;

function applyRules(text: string, rules: readonly Rule[]): string {
  return rules.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement as string), text);
}

/** Speakable English for `text`; '' when nothing speakable remains (emoji only, markup only, blank). */
export function normalizeForSpeech(text: string): string {
  let result = text.normalize('NFC').replace(EMOJI, ' ');
  result = applyRules(result, [URL_RULE]);
  result = applyRules(result, MARKUP_RULES);
  result = applyRules(result, ABBREVIATIONS);
  result = applyRules(result, NUMBER_RULES);
  result = applyRules(result, SYMBOL_RULES);
  result = result
    .replace(UNSPEAKABLE, ' ')
    .replace(/\s+([.,!?;:\u2026])/g, '$1')
    .replace(/([.,!?;:])(?=[.,!?;:])/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.,!?;:\u2014\u2026]+/, '')
    .trim();
  return /\p{L}/u.test(result) ? result : '';
}
