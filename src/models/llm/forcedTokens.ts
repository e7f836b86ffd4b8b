import { LogitsProcessor, LogitsProcessorList, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';

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

/** The ids a model's generation config ends a turn with (none when it names none). */
export function endOfTurnIds(generationConfig: unknown): number[] {
  const eos = (generationConfig as { eos_token_id?: number | number[] } | null)?.eos_token_id;
  return eos === undefined ? [] : Array.isArray(eos) ? eos : [eos];
}

/** generate()'s logits processors for a forced reply: `text`'s tokens, then the model's end of turn. */
export function forcedReply(tokenizer: PreTrainedTokenizer, generationConfig: unknown, text: string): LogitsProcessorList {
  const [endOfTurn] = endOfTurnIds(generationConfig);
  if (endOfTurn === undefined) throw new Error('a forced reply needs the model to name its end-of-turn token (generation_config.eos_token_id)');
  const list = new LogitsProcessorList();
  list.push(new ForcedTokensProcessor([...tokenizer.encode(text, { add_special_tokens: false }), endOfTurn]));
  return list;
}
