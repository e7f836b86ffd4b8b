/** Character range of one chunk in the full reply text (end exclusive), for highlighting. */
export interface ChunkSpan {
  startChar: number;
  endChar: number;
}

export interface SpeechChunkerOptions {
  /**
   * The first chunk may end at a clause boundary, or before a word that opens a new phrase, once it holds this many
   * words, to start speaking sooner.
   */
  firstChunkMinWords?: number;
  /** Longest chunk; a longer sentence is cut at a clause, else a word boundary (Kokoro takes <= 510 phonemes). */
  maxChunkChars?: number;
  /** A clause cut of an over-long sentence must leave at least this many characters, to avoid fragments. */
  minClauseChars?: number;
}

const SENTENCE_END = new Set(['.', '!', '?', '…']);
const CLAUSE_END = new Set([',', ';', ':']);
const EM_DASH = '—';
/** Quotes and brackets that may close a sentence after its punctuation. */
const CLOSERS = new Set(['"', "'", ')', ']', '”', '’', '»']);
/** Words whose trailing period does not end a sentence ("Dr. Smith", "e.g. apples"). */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'e.g', 'i.e', 'cf', 'approx', 'ca', 'fig', 'mt', 'ft', 'inc', 'ltd', 'co',
]);
/**
 * Words that open a new phrase whatever comes before them, so the first chunk may end just before one: subject-verb
 * contractions ("I'm so sorry | you're going through this") and subordinating conjunctions. Pronouns alone, "that"
 * and "and" are not: they are as often objects, determiners or inside a phrase ("I hear you", "I love that song").
 */
const PHRASE_OPENERS = new Set([
  "i'm", "i've", "i'll", "you're", "you've", "you'll", "we're", "we've", "they're", "they've", "it's", "that's", "there's", "he's", "she's",
  'because', 'although', 'though', 'while', 'when', 'whenever', 'if', 'since', 'unless', 'until', 'whether',
]);
const WORD_CHAR = /[\p{L}'’]/u;
const LETTER = /\p{L}/u;
const SPEAKABLE = /[\p{L}\p{N}]/u;

function isSpace(char: string | undefined): boolean {
  return char !== undefined && /\s/u.test(char);
}

/** The word ending just before `end` (the punctuation's index), e.g. "e.g" or "Dr". */
function wordBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && !isSpace(text[start - 1])) start--;
  return text.slice(start, end).replace(/^[("'“‘[]+/u, '');
}

/** A period after an abbreviation, an initial ("J.") or a dotted acronym ("U.S.") does not end a sentence. */
function isAbbreviation(text: string, punctIndex: number): boolean {
  if (text[punctIndex] !== '.') return false;
  const word = wordBefore(text, punctIndex);
  if (ABBREVIATIONS.has(word.toLowerCase())) return true;
  // A single capital is an initial ("J. R. R."), except the pronoun "I".
  if (word.length === 1 && word !== 'I' && LETTER.test(word) && word === word.toUpperCase()) return true;
  return /^(\p{L}\.)+\p{L}$/u.test(word);
}

function countWords(text: string, start: number, end: number): number {
  return text.slice(start, end).split(/\s+/u).filter((word) => SPEAKABLE.test(word)).length;
}

/**
 * Cuts a streamed reply into speakable chunks. Every decision depends only on the text up to a
 * short look-ahead, so feeding the same reply whole, word by word or character by character
 * yields the same chunks. Chunk i (its id) covers spans[i] of the full text.
 */
export class SpeechChunker {
  /** Character ranges of the chunks emitted so far, in order. */
  readonly spans: ChunkSpan[] = [];
  private readonly firstChunkMinWords: number;
  private readonly maxChunkChars: number;
  private readonly minClauseChars: number;
  private fullText = '';
  /** Start of the pending (not yet emitted) text. */
  private pendingStart = 0;

  constructor({ firstChunkMinWords = 3, maxChunkChars = 200, minClauseChars = 40 }: SpeechChunkerOptions = {}) {
    this.firstChunkMinWords = firstChunkMinWords;
    this.maxChunkChars = maxChunkChars;
    this.minClauseChars = minClauseChars;
  }

  /** The full reply text received so far. */
  get text(): string {
    return this.fullText;
  }

  /** Adds a text delta; returns the chunks it completed (trimmed, never empty). */
  push(delta: string): string[] {
    this.fullText += delta;
    return this.drain(false);
  }

  /** Ends the reply: returns the remaining chunks. */
  flush(): string[] {
    return this.drain(true);
  }

  private drain(final: boolean): string[] {
    const chunks: string[] = [];
    for (;;) {
      this.skipSpace();
      const end = this.nextCut(final);
      if (end === null) return chunks;
      chunks.push(this.emit(end));
    }
  }

  private skipSpace(): void {
    while (isSpace(this.fullText[this.pendingStart])) this.pendingStart++;
  }

  private emit(cutEnd: number): string {
    let end = cutEnd;
    while (end > this.pendingStart && isSpace(this.fullText[end - 1])) end--;
    const chunk = this.fullText.slice(this.pendingStart, end);
    this.spans.push({ startChar: this.pendingStart, endChar: end });
    this.pendingStart = cutEnd;
    return chunk;
  }

  /** End of the next chunk, or null when more text is needed to decide. */
  private nextCut(final: boolean): number | null {
    const text = this.fullText;
    const start = this.pendingStart;
    if (start >= text.length) return null;
    const limit = start + this.maxChunkChars;
    const isFirst = this.spans.length === 0;
    for (let i = start; i < text.length; i++) {
      if (i >= limit) return this.overflowCut(start, limit);
      const char = text[i]!;
      if (SENTENCE_END.has(char)) {
        let end = i + 1;
        while (end < text.length && (SENTENCE_END.has(text[end]!) || CLOSERS.has(text[end]!))) end++;
        if (end >= text.length && !final) return null;
        const confirmed = end >= text.length || isSpace(text[end]);
        if (confirmed && end <= limit && !isAbbreviation(text, i) && LETTER.test(text.slice(start, end))) return end;
        i = end - 1;
      } else if (isFirst && this.isClauseEnd(i, final) && countWords(text, start, i + 1) >= this.firstChunkMinWords) {
        return i + 1;
      } else if (isFirst && isSpace(char) && LETTER.test(text[i - 1] ?? '') && countWords(text, start, i) >= this.firstChunkMinWords && !this.endsWithOpener(i)) {
        const opens = this.phraseOpensAfter(i, final);
        if (opens === null) return null;
        if (opens) return i;
      }
    }
    return final ? text.length : null;
  }

  /** Whether the word ending at `end` opens a phrase itself ("thank you because | it's kind" is no cut). */
  private endsWithOpener(end: number): boolean {
    return PHRASE_OPENERS.has(wordBefore(this.fullText, end).toLowerCase().replace(/’/gu, "'"));
  }

  /** Whether the word after the space at `index` opens a new phrase; null until that word is complete. */
  private phraseOpensAfter(index: number, final: boolean): boolean | null {
    const text = this.fullText;
    let start = index;
    while (isSpace(text[start])) start++;
    let end = start;
    while (end < text.length && WORD_CHAR.test(text[end]!)) end++;
    if (end >= text.length && !final) return null;
    return PHRASE_OPENERS.has(text.slice(start, end).toLowerCase().replace(/’/gu, "'"));
  }

  /** A clause mark followed by a space (so "1,000" and "3:30" are not cuts), or an em dash. */
  private isClauseEnd(index: number, final: boolean): boolean {
    const char = this.fullText[index]!;
    if (char === EM_DASH) return true;
    if (!CLAUSE_END.has(char)) return false;
    const next = this.fullText[index + 1];
    return next === undefined ? final : isSpace(next);
  }

  /** No sentence fits within the limit: cut at the last long-enough clause, else the last space, else hard. */
  private overflowCut(start: number, limit: number): number {
    let lastSpace = -1;
    for (let i = limit; i > start; i--) {
      if (i - start >= this.minClauseChars && this.isClauseEnd(i - 1, false)) return i;
      if (lastSpace < 0 && isSpace(this.fullText[i])) lastSpace = i;
    }
    return lastSpace > start ? lastSpace : limit;
  }
}
