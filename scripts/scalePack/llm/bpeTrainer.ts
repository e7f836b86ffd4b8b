// Byte-level BPE training (the classic algorithm: repeatedly merge the most frequent adjacent pair over a
// word-frequency table), with incremental pair counts so that tens of thousands of merges take seconds.
import { BYTE_CHARS, BYTE_VOCAB_ORDER, toByteLevel } from './byteLevel';

/** The pre-tokenizer split of Qwen2 (contractions, letters with one leading non-letter, single digits, ...). */
const PIECE_PATTERN = /'(?:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/giu;
/** Pair keys a * 2^18 + b: token ids stay below 2^18 (151,643 for Qwen2.5). */
const KEY_BASE = 262_144;

export interface BpeVocabulary {
  /** Tokens in id order: the 256 byte characters, then one per merge that made a new string. */
  tokens: string[];
  /** Merges in rank order, as [left, right] token strings. */
  merges: [string, string][];
  /** How many merges came from the corpus (the rest fill the vocabulary with multi-byte non-ASCII tokens). */
  learnedMerges: number;
}

/** Counts the corpus's pre-tokenized pieces as byte-level strings. */
export function pieceCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.normalize('NFC').matchAll(PIECE_PATTERN)) {
    const piece = toByteLevel(match[0]);
    counts.set(piece, (counts.get(piece) ?? 0) + 1);
  }
  return counts;
}

/** A max-heap of [count, key], largest count first and the smaller key first among equals (deterministic ties). */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  private above(i: number, j: number): boolean {
    return this.counts[i]! > this.counts[j]! || (this.counts[i] === this.counts[j] && this.keys[i]! < this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j]!, this.counts[i]!];
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    for (let i = this.size - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [count: number, key: number] {
    const top: [number, number] = [this.counts[0]!, this.keys[0]!];
    const lastCount = this.counts.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.size > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let best = i;
        if (left < this.size && this.above(left, best)) best = left;
        if (right < this.size && this.above(right, best)) best = right;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }
}

/**
 * Learns merges until the vocabulary has `vocabularySize` tokens or no pair occurs twice; then fills the rest with
 * tokens of two and three non-ASCII bytes (as real vocabularies hold CJK and accented pieces), which English never hits.
 */
export function trainBpe(counts: Map<string, number>, vocabularySize: number): BpeVocabulary {
  const tokens = [...BYTE_VOCAB_ORDER];
  const idOf = new Map(tokens.map((token, id) => [token, id]));
  const merges: [string, string][] = [];
  const entries = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const words = entries.map(([piece]) => Int32Array.from([...piece], (char) => idOf.get(char)!));
  const wordCounts = entries.map(([, count]) => count);
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap();

  const addPairs = (wordIndex: number, sign: 1 | -1, changed: Set<number>) => {
    const word = words[wordIndex]!;
    for (let i = 0; i + 1 < word.length; i++) {
      const key = word[i]! * KEY_BASE + word[i + 1]!;
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * wordCounts[wordIndex]!);
      if (sign === 1) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wordIndex);
      }
      changed.add(key);
    }
  };
  const initial = new Set<number>();
  words.forEach((_, index) => addPairs(index, 1, initial));
  for (const key of initial) heap.push(pairCount.get(key)!, key);

  while (tokens.length < vocabularySize && heap.size > 0) {
    const [count, key] = heap.pop();
    if (pairCount.get(key) !== count) continue;
    if (count < 2) break;
    const left = Math.floor(key / KEY_BASE);
    const right = key % KEY_BASE;
    const text = tokens[left]! + tokens[right]!;
    let merged = idOf.get(text);
    if (merged === undefined) {
      merged = tokens.length;
      tokens.push(text);
      idOf.set(text, merged);
    }
    merges.push([tokens[left]!, tokens[right]!]);
    const changed = new Set<number>();
    for (const wordIndex of pairWords.get(key) ?? []) {
      const word = words[wordIndex]!;
      let found = false;
      for (let i = 0; i + 1 < word.length; i++) if (word[i] === left && word[i + 1] === right) found = true;
      if (!found) continue;
      addPairs(wordIndex, -1, changed);
      const next: number[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === left && word[i + 1] === right) {
          next.push(merged);
          i++;
        } else next.push(word[i]!);
      }
      words[wordIndex] = Int32Array.from(next);
      addPairs(wordIndex, 1, changed);
    }
    pairWords.delete(key);
    pairCount.delete(key);
    changed.delete(key);
    for (const changedKey of changed) {
      const changedCount = pairCount.get(changedKey)!;
      if (changedCount > 0) heap.push(changedCount, changedKey);
    }
  }
  const learnedMerges = merges.length;
  fillWithNonAscii(tokens, idOf, merges, vocabularySize);
  return { tokens, merges, learnedMerges };
}

function fillWithNonAscii(tokens: string[], idOf: Map<string, number>, merges: [string, string][], vocabularySize: number): void {
  const high = BYTE_CHARS.slice(128);
  const add = (left: string, right: string): boolean => {
    if (tokens.length >= vocabularySize) return false;
    if (idOf.has(left + right)) return true;
    idOf.set(left + right, tokens.length);
    tokens.push(left + right);
    merges.push([left, right]);
    return true;
  };
  const pairs: string[] = [];
  for (const a of high) for (const b of high) if (add(a, b)) pairs.push(a + b);
  for (const pair of pairs) for (const b of high) if (!add(pair, b)) return;
  if (tokens.length < vocabularySize) throw new RangeError(`cannot fill a vocabulary of ${vocabularySize} tokens`);
}

