// GPT-2's byte-level alphabet: every byte maps to one printable character (space -> "Ġ", newline -> "Ċ"), so BPE
// pieces are strings and any text round-trips. Both pack tokenizers (SmolLM2, Qwen2.5) use it.

/** The 256 characters in byte order 0..255. */
export const BYTE_CHARS: readonly string[] = (() => {
  const printable = [
    ...Array.from({ length: 94 }, (_, i) => 33 + i),
    ...Array.from({ length: 12 }, (_, i) => 161 + i),
    ...Array.from({ length: 82 }, (_, i) => 174 + i),
  ];
  const chars = new Array<string>(256);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) chars[byte] = String.fromCharCode(printable.includes(byte) ? byte : 256 + shifted++);
  return chars;
})();

/** The 256 byte characters in the order the real vocabularies list them (printable bytes first, as GPT-2's table). */
export const BYTE_VOCAB_ORDER: readonly string[] = (() => {
  const printable = new Set([
    ...Array.from({ length: 94 }, (_, i) => 33 + i),
    ...Array.from({ length: 12 }, (_, i) => 161 + i),
    ...Array.from({ length: 82 }, (_, i) => 174 + i),
  ]);
  const order = [...printable, ...Array.from({ length: 256 }, (_, b) => b).filter((b) => !printable.has(b))];
  return order.map((byte) => BYTE_CHARS[byte]!);
})();

const encoder = new TextEncoder();

/** A text piece as byte-level characters. */
export function toByteLevel(text: string): string {
  let out = '';
  for (const byte of encoder.encode(text)) out += BYTE_CHARS[byte]!;
  return out;
}
