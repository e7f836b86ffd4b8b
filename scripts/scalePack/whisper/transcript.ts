// What every turn of a scale Whisper transcribes: random weights would copy the forced prefix forever (the tied
// readout favours the input token), which gives the LLM an empty turn. The decoder's learned positions spell this
// sentence instead, then <|endoftext|>, so each turn decodes a typical spoken sentence's worth of tokens.
import type { TokenizerLayout } from '../../tinyPack/whisper/tokenizerLayout';
import { toByteLevel } from '../llm/byteLevel';

export const TRANSCRIPT_TEXT = ' I have been feeling really tired lately, and I do not know how to slow down.';

/** The text as vocabulary ids, each piece the longest vocabulary token at that point (so decoding gives the text back). */
export function transcriptIds(layout: TokenizerLayout, text: string = TRANSCRIPT_TEXT): number[] {
  const textTokens = layout.idOf('<|endoftext|>');
  const vocabulary = new Map<string, number>();
  for (let id = 0; id < textTokens; id++) vocabulary.set(layout.tokens[id]!, id);
  const symbols = toByteLevel(text);
  const ids: number[] = [];
  for (let start = 0; start < symbols.length; ) {
    let end = symbols.length;
    while (end > start && !vocabulary.has(symbols.slice(start, end))) end--;
    if (end === start) throw new Error(`scale whisper: no token for ${JSON.stringify(symbols.slice(start))}`);
    ids.push(vocabulary.get(symbols.slice(start, end))!);
    start = end;
  }
  return ids;
}
