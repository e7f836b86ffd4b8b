// The one tokenisation every metric uses: lower case, words (with inner apostrophes) and each punctuation mark apart.
const TOKEN_PATTERN = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

/** "I'm fine, thanks!" -> ["i'm", "fine", ",", "thanks", "!"]. */
export function metricTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN_PATTERN) ?? [];
}

/** Words only (punctuation left out): what "reply length in words" counts. */
export function wordCount(text: string): number {
  return metricTokens(text).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

/** The n-grams of a token list, each joined by a space (tokens never contain one). */
export function ngrams(tokens: readonly string[], n: number): string[] {
  const grams: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) grams.push(tokens.slice(i, i + n).join(' '));
  return grams;
}
