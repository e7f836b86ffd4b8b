// Benchmarks only: random weights write noise, so for timing every reply is spoken as the same sentences of a typical
// empathetic length, at the pace the model writes (bench:turn, in Node and through the page's benchmark setting).

/** 43 words in three sentences with clause breaks: the shape (not the content) of a short ES4R-style reply. */
export const FIXED_REPLY =
  "I'm so sorry you're going through this, it sounds really hard. It makes sense that you feel tired and a little lost right now. " +
  "You don't have to sort it all out today; let's take it one small step at a time, together.";

const FIXED_WORDS = FIXED_REPLY.split(' ');

/**
 * Maps the words a model writes, in stream order, onto the fixed reply: the k-th written word becomes the k-th fixed
 * word, so the speech chunker meets real clause and sentence ends at the pace the model writes. Words past the fixed
 * reply's end map to nothing; `finish()` hands over whatever of the fixed reply is left, as a complete reply would.
 */
export class FixedReplyWords {
  private spoken = 0;
  /** A written word may arrive split over deltas: it counts once its trailing space (or the end) is seen. */
  private partial = false;

  /** The fixed text for one streamed text delta ("" when the delta completes no word). */
  push(textDelta: string): string {
    let words = 0;
    for (const char of textDelta) {
      if (/\s/u.test(char)) {
        if (this.partial) words++;
        this.partial = false;
      } else this.partial = true;
    }
    return this.take(words);
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
