/**
 * Whole sentences out of streamed text, as the plain recipe hands them to its TTS one call each: a sentence ends at
 * ".", "!" or "?" followed by white space; the rest comes out at the end.
 */
export class SentenceSplitter {
  private pending = '';

  push(text: string): string[] {
    this.pending += text;
    const sentences: string[] = [];
    for (let match = /[.!?]+\s/u.exec(this.pending); match; match = /[.!?]+\s/u.exec(this.pending)) {
      const end = match.index + match[0].length;
      const sentence = this.pending.slice(0, end).trim();
      if (sentence.length > 0) sentences.push(sentence);
      this.pending = this.pending.slice(end);
    }
    return sentences;
  }

  flush(): string[] {
    const rest = this.pending.trim();
    this.pending = '';
    return rest.length > 0 ? [rest] : [];
  }
}
