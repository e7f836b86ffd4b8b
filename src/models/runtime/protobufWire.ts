// Protocol Buffers' wire format, read field by field from a file that need not be in memory: enough to walk an ONNX
// model's messages and to write back the few fields the page changes. protobufjs (under onnx-proto) decodes only a
// buffer held whole, which is what a model's weights left on disk must avoid.
import { concatBytes } from '../../concatArrays';

/** Bytes [start, end) of a file. */
export type ReadRange = (start: number, end: number) => Uint8Array;

export interface WireField {
  fieldNumber: number;
  wireType: number;
  /** Where the field's tag begins. */
  start: number;
  /** Where its value begins: after the length for a length-delimited field. */
  valueStart: number;
  end: number;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;
/** Protobuf varints are at most 10 bytes. */
const MAX_VARINT_BYTES = 10;

/** A reader that serves small reads from one window, so walking a file's headers costs few reads of the file. */
export class WindowedReader {
  private windowStart = 0;
  private window: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly read: ReadRange,
    readonly sizeBytes: number,
    private readonly windowBytes = 1 << 16,
  ) {}

  byteAt(at: number): number {
    if (at >= this.sizeBytes) throw new Error(`the file ends at byte ${this.sizeBytes} inside a field`);
    if (at < this.windowStart || at >= this.windowStart + this.window.length) {
      this.windowStart = at;
      this.window = this.read(at, Math.min(this.sizeBytes, at + this.windowBytes));
    }
    return this.window[at - this.windowStart]!;
  }

  bytes(start: number, end: number): Uint8Array {
    if (end > this.sizeBytes) throw new Error(`the file ends at byte ${this.sizeBytes} inside a field`);
    if (start >= this.windowStart && end <= this.windowStart + this.window.length) {
      return this.window.subarray(start - this.windowStart, end - this.windowStart);
    }
    return this.read(start, end);
  }
}

/** The varint at `at` and where it ends; exact up to 2^53. */
export function readVarint(reader: WindowedReader, at: number): [value: number, end: number] {
  let value = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i += 1) {
    const byte = reader.byteAt(at + i);
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return [value, at + i + 1];
  }
  throw new Error(`a varint at byte ${at} runs over ${MAX_VARINT_BYTES} bytes`);
}

/** The fields of the message that spans [start, end), in file order, without reading their values. */
export function* wireFields(reader: WindowedReader, start: number, end: number): Generator<WireField> {
  let at = start;
  while (at < end) {
    const [tag, afterTag] = readVarint(reader, at);
    const fieldNumber = Math.floor(tag / 8);
    const wireType = tag % 8;
    let valueStart = afterTag;
    let fieldEnd: number;
    if (wireType === WIRE_VARINT) fieldEnd = readVarint(reader, afterTag)[1];
    else if (wireType === WIRE_FIXED64) fieldEnd = afterTag + 8;
    else if (wireType === WIRE_FIXED32) fieldEnd = afterTag + 4;
    else if (wireType === WIRE_LENGTH_DELIMITED) {
      const [length, afterLength] = readVarint(reader, afterTag);
      valueStart = afterLength;
      fieldEnd = afterLength + length;
    } else throw new Error(`wire type ${wireType} at byte ${at} is not one protobuf writes`);
    if (fieldNumber === 0 || fieldEnd > end) throw new Error(`the field at byte ${at} runs past its message`);
    yield { fieldNumber, wireType, start: at, valueStart, end: fieldEnd };
    at = fieldEnd;
  }
}

export const isLengthDelimited = (field: WireField): boolean => field.wireType === WIRE_LENGTH_DELIMITED;

export function encodeVarint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

/** A length-delimited field: tag, length, payload. */
export function lengthDelimitedField(fieldNumber: number, payload: Uint8Array): Uint8Array {
  return concatBytes([encodeVarint(fieldNumber * 8 + WIRE_LENGTH_DELIMITED), encodeVarint(payload.length), payload]);
}

export function varintField(fieldNumber: number, value: number): Uint8Array {
  return concatBytes([encodeVarint(fieldNumber * 8 + WIRE_VARINT), encodeVarint(value)]);
}
