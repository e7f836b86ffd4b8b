import { LogitsProcessor, type Tensor } from '@huggingface/transformers';

/**
 * Benchmarks only: generate() must pick ids[k] at its k-th step, then keeps to the last id. The model still runs in
 * full at every step, so the reply costs what a real one does, while random weights write a realistic text whose
 * tokens re-tokenise to themselves in the next turn's prompt (noise does not, and would defeat the KV cache).
 */
export class ForcedTokensProcessor extends LogitsProcessor {
  private step = 0;

  constructor(private readonly ids: readonly number[]) {
    super();
    if (ids.length === 0) throw new RangeError('ForcedTokensProcessor: no ids to force');
  }

  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    const id = this.ids[Math.min(this.step, this.ids.length - 1)]!;
    this.step++;
    const [batches = 0, vocabulary = 0] = logits.dims;
    const data = logits.data as Float32Array;
    if (id >= vocabulary) throw new RangeError(`ForcedTokensProcessor: id ${id} is outside the vocabulary of ${vocabulary}`);
    for (let batch = 0; batch < batches; batch++) {
      const row = data.subarray(batch * vocabulary, (batch + 1) * vocabulary);
      row.fill(-Infinity);
      row[id] = 0;
    }
    return logits;
  }
}
