/** What a tensor's data can be: ONNX Runtime and transformers.js hand float16 over as raw bits in a Uint16Array. */
export type TensorData = Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | ArrayLike<number>;

/** Decodes one IEEE 754 binary16 value from its 16 bits. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * A tensor's values as float32, whatever its element type: a q4f16 model's logits are float16 bits,
 * which read as a Float32Array would be garbage or the wrong length.
 */
export function toFloat32(tensor: { type: string; data: TensorData }): Float32Array {
  const { type, data } = tensor;
  if (data instanceof Float32Array) return data;
  if (type === 'float16') {
    if (data instanceof Uint16Array) return Float32Array.from(data, halfToFloat);
    // A runtime with Float16Array hands over numbers already.
    return Float32Array.from(data as ArrayLike<number>);
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, Number);
  return Float32Array.from(data as ArrayLike<number>);
}
