type Concatenable = Float32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** One array of the parts' type (made by `create`) holding the parts in order. */
function concatInto<T extends Concatenable>(parts: readonly ArrayLike<number>[], create: (length: number) => T): T {
  const out = create(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const concatFloat32 = (parts: readonly Float32Array[]): Float32Array<ArrayBuffer> => concatInto(parts, (length) => new Float32Array(length));

export const concatBytes = (parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> => concatInto(parts, (length) => new Uint8Array(length));
