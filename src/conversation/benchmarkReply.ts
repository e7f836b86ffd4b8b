// Benchmarks only: random weights write noise, so for timing every reply is spoken as the same sentences of a typical
// empathetic length, at the pace the model writes (bench:turn, in Node and through the page's benchmark setting).

/** 43 words in three sentences with clause breaks: the shape (not the content) of a short ES4R-style reply. */
export const FIXED_REPLY =
  "I'm so sorry you're going through this, it sounds really hard. It makes sense that you feel tired and a little lost right now. " +
  "You don't have to sort it all out today; let's take it one small step at a time, together.";

const FIXED_WORDS = FIXED_REPLY.split(' ');

/**
 * Speaks the fixed reply at the pace of the model's tokens: the k-th generated token (marked by the empty text delta
 * ReplyEngine sends for each token under minNewTokens) becomes the k-th fixed word, so the speech chunker meets real
 * clause and sentence ends at a realistic pace whatever noise the weights write; the model's own text is not spoken.
 * `finish()` hands over whatever of the fixed reply is left, as a complete reply would.
 */
export class FixedReplyWords {
  private spoken = 0;

  /** The fixed text for one streamed text delta: the next word for a token mark, nothing for the model's text. */
  push(textDelta: string): string {
    return textDelta === '' ? this.take(1) : '';
  }

  /** The rest of the fixed reply once the model has stopped. */
  finish(): string {
    return this.take(FIXED_WORDS.length);
  }

  /** Fixed words handed over so far. */
  get wordsSpoken(): number {
    return this.spoken;
  }

  private take(words: number): string {
    const next = FIXED_WORDS.slice(this.spoken, this.spoken + words);
    if (next.length === 0) return '';
    const text = `${this.spoken === 0 ? '' : ' '}${next.join(' ')}`;
    this.spoken += next.length;
    return text;
  }
}
