import { describe, expect, it } from 'vitest';
import { SpeechChunker, type SpeechChunkerOptions } from './speechChunker';

function chunkDeltas(deltas: string[], options?: SpeechChunkerOptions): { chunks: string[]; chunker: SpeechChunker } {
  const chunker = new SpeechChunker(options);
  const chunks = deltas.flatMap((delta) => chunker.push(delta));
  chunks.push(...chunker.flush());
  return { chunks, chunker };
}

function wordDeltas(text: string): string[] {
  return text.match(/\S+\s*|\s+/gu) ?? [];
}

/** A deterministic pseudo-random split, like an LLM's uneven token deltas. */
function randomDeltas(text: string, seed: number): string[] {
  const deltas: string[] = [];
  let state = seed;
  for (let i = 0; i < text.length; ) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const length = 1 + (state % 7);
    deltas.push(text.slice(i, i + length));
    i += length;
  }
  return deltas;
}

const REPLY =
  "Well, I hear you, and that sounds really hard. Dr. Smith said it costs 3.5 dollars, e.g. for one visit! " +
  'Would that help? Maybe take a walk at 3:30 — it clears the head; many people, 1,000 or so, say it works, ' +
  'and you can always call me again if the evening feels long and quiet and you want to talk to someone about it, okay? Sure...';

describe('SpeechChunker', () => {
  it('gives the same chunks for whole, word-by-word, character and random feeding', () => {
    const whole = chunkDeltas([REPLY]).chunks;
    expect(chunkDeltas(wordDeltas(REPLY)).chunks).toEqual(whole);
    expect(chunkDeltas([...REPLY]).chunks).toEqual(whole);
    for (const seed of [1, 2, 3]) expect(chunkDeltas(randomDeltas(REPLY, seed)).chunks).toEqual(whole);
  });

  it('cuts the first chunk at a clause after three words, later ones at sentence ends', () => {
    const { chunks } = chunkDeltas(["Well, I hear you, and that sounds hard. Let's talk, slowly, about it. Okay?"]);
    expect(chunks).toEqual(['Well, I hear you,', 'and that sounds hard.', "Let's talk, slowly, about it.", 'Okay?']);
  });

  it('ends the first chunk before a word that opens a new phrase, once it holds three words, and only the first', () => {
    const reply = "I'm so sorry you're going through this, it sounds hard. It makes sense because you're tired.";
    const expected = ["I'm so sorry", "you're going through this, it sounds hard.", "It makes sense because you're tired."];
    expect(chunkDeltas([reply]).chunks).toEqual(expected);
    expect(chunkDeltas([...reply]).chunks).toEqual(expected);
    expect(chunkDeltas(randomDeltas(reply, 7)).chunks).toEqual(expected);
    // Too few words before the opener; pronouns, "that" and "and", which open no phrase of their own; an opener before it.
    expect(chunkDeltas(["It's okay, really."]).chunks).toEqual(["It's okay, really."]);
    expect(chunkDeltas(['I hear you and I love that song so much.']).chunks).toEqual(['I hear you and I love that song so much.']);
    expect(chunkDeltas(['Thank you because it’s kind.']).chunks).toEqual(['Thank you because it’s kind.']);
    expect(chunkDeltas(['You did well when it mattered.']).chunks).toEqual(['You did well', 'when it mattered.']);
  });

  it('waits for the whole next word before ending the first chunk at it', () => {
    const chunker = new SpeechChunker();
    expect(chunker.push("I'm so sorry you")).toEqual([]);
    // "you" might still become "yourself": only "you're" opens a phrase.
    expect(chunker.push("'re")).toEqual([]);
    expect(chunker.push(' going')).toEqual(["I'm so sorry"]);
  });

  it('does not cut after abbreviations, initials or inside numbers', () => {
    const { chunks } = chunkDeltas(['Ask Dr. Smith and J. R. Tolkien, e.g. about the U.S. plan. It costs 3.5 dollars, i.e. little. It is 1,000 at 3:30 now.'], {
      firstChunkMinWords: 100,
    });
    expect(chunks).toEqual(['Ask Dr. Smith and J. R. Tolkien, e.g. about the U.S. plan.', 'It costs 3.5 dollars, i.e. little.', 'It is 1,000 at 3:30 now.']);
  });

  it('keeps closing quotes and stacked marks with the sentence', () => {
    const { chunks } = chunkDeltas(['He said "no." Really?! Wait... okay.'], { firstChunkMinWords: 100 });
    expect(chunks).toEqual(['He said "no."', 'Really?!', 'Wait...', 'okay.']);
  });

  it('cuts a long run-on sentence at clauses, else at words, below the maximum', () => {
    const runOn =
      'First sentence ends here. ' +
      'and then we went down to the river and we saw the boats and the birds, and the light on the water was golden and warm ' +
      'and nobody said a word for a very long time because there was nothing that needed to be said at all that evening';
    const maxChunkChars = 80;
    const { chunks } = chunkDeltas([runOn], { maxChunkChars, minClauseChars: 30 });
    expect(chunks[0]).toBe('First sentence ends here.');
    expect(chunks[1]).toBe('and then we went down to the river and we saw the boats and the birds,');
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(maxChunkChars);
    // Joining with single spaces restores the text: every cut fell on a word boundary.
    expect(chunks.join(' ')).toBe(runOn);
    expect(chunkDeltas([...runOn], { maxChunkChars, minClauseChars: 30 }).chunks).toEqual(chunks);
  });

  it('hard-cuts a single word longer than the maximum', () => {
    const { chunks } = chunkDeltas(['x'.repeat(25)], { maxChunkChars: 10 });
    expect(chunks).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('never emits empty or untrimmed chunks, and punctuation-only text joins the next sentence', () => {
    const { chunks } = chunkDeltas(['   ', '... ', '1. Eggs.  ', '\n\n', ' Milk. ', '  ']);
    expect(chunks).toEqual(['... 1. Eggs.', 'Milk.']);
    expect(chunkDeltas(['  ', ' ']).chunks).toEqual([]);
  });

  it('records each chunk’s character range in the full reply', () => {
    const { chunks, chunker } = chunkDeltas(wordDeltas(REPLY));
    expect(chunker.text).toBe(REPLY);
    expect(chunker.spans).toHaveLength(chunks.length);
    chunker.spans.forEach((span, index) => expect(REPLY.slice(span.startChar, span.endChar)).toBe(chunks[index]));
  });

  it('waits for the character after a period before cutting', () => {
    const chunker = new SpeechChunker();
    expect(chunker.push('It costs 3.')).toEqual([]);
    expect(chunker.push('5 dollars. ')).toEqual(['It costs 3.5 dollars.']);
    expect(chunker.push('Done.')).toEqual([]);
    expect(chunker.flush()).toEqual(['Done.']);
  });
});
