/**
 * The most recent rows of an endless stream (PCM samples, feature frames), addressed by their
 * absolute index in the stream; memory is fixed at capacity x rowSize floats.
 */
export class RingHistory {
  readonly capacityRows: number;
  readonly rowSize: number;
  private readonly data: Float32Array;
  private start = 0;
  private end = 0;

  constructor(capacityRows: number, rowSize = 1) {
    if (!(Number.isInteger(capacityRows) && capacityRows > 0)) throw new RangeError(`RingHistory: capacity must be a positive integer, got ${capacityRows}`);
    if (!(Number.isInteger(rowSize) && rowSize > 0)) throw new RangeError(`RingHistory: rowSize must be a positive integer, got ${rowSize}`);
    this.capacityRows = capacityRows;
    this.rowSize = rowSize;
    this.data = new Float32Array(capacityRows * rowSize);
  }

  /** Absolute index of the oldest row still held. */
  get startIndex(): number {
    return this.start;
  }

  /** Absolute index one past the newest row. */
  get endIndex(): number {
    return this.end;
  }

  /** Empties the history; the next appended row gets index `firstIndex`. */
  restart(firstIndex: number): void {
    this.start = firstIndex;
    this.end = firstIndex;
  }

  /** Appends `rowCount` rows of `source` starting at row `firstRow` (copies: the source may be reused by its owner). */
  append(source: Float32Array, firstRow = 0, rowCount = source.length / this.rowSize - firstRow): void {
    if (!(Number.isInteger(rowCount) && rowCount >= 0 && (firstRow + rowCount) * this.rowSize <= source.length)) {
      throw new RangeError(`RingHistory: cannot append ${rowCount} rows from row ${firstRow} of ${source.length} values`);
    }
    // Rows that would be overwritten within this call are skipped.
    const skipped = Math.max(0, rowCount - this.capacityRows);
    let row = firstRow + skipped;
    let index = this.end + skipped;
    const endIndex = this.end + rowCount;
    while (index < endIndex) {
      const slot = index % this.capacityRows;
      const run = Math.min(endIndex - index, this.capacityRows - slot);
      this.data.set(source.subarray(row * this.rowSize, (row + run) * this.rowSize), slot * this.rowSize);
      row += run;
      index += run;
    }
    this.end = endIndex;
    this.start = Math.max(this.start, this.end - this.capacityRows);
  }

  /** Copies rows [from, to) into `target` at row `targetRow`; throws if any of them is not held. */
  copyRows(from: number, to: number, target: Float32Array, targetRow = 0): void {
    if (from < this.start || to > this.end || from > to) {
      throw new RangeError(`RingHistory: rows [${from}, ${to}) requested, but only [${this.start}, ${this.end}) are held`);
    }
    let index = from;
    let row = targetRow;
    while (index < to) {
      const slot = index % this.capacityRows;
      const run = Math.min(to - index, this.capacityRows - slot);
      target.set(this.data.subarray(slot * this.rowSize, (slot + run) * this.rowSize), row * this.rowSize);
      row += run;
      index += run;
    }
  }
}
