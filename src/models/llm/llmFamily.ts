import { AutoModelForCausalLM, AutoTokenizer, Tensor, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { ModelFamily } from '../loadModel';
import { progressForwarder } from '../runtime/progressForwarder';
import { toFloat32 } from '../selfCheck/toFloat32';

/** Tokens of the warm-up prompt: a handful of low ids, valid in every vocabulary. */
const WARM_UP_TOKENS = [1, 2, 3, 4, 5, 6, 7, 8];

/** A causal LM and its tokenizer (with the chat template), from the same model id. */
export interface LlmBundle {
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
}

export const llmFamily: ModelFamily<LlmBundle> = {
  async load(modelId, device, dtype, onFileProgress) {
    const progress_callback = progressForwarder(onFileProgress);
    const [model, tokenizer] = await Promise.all([
      AutoModelForCausalLM.from_pretrained(modelId, { device, dtype: dtype as never, progress_callback }),
      AutoTokenizer.from_pretrained(modelId, { progress_callback }),
    ]);
    return { model, tokenizer };
  },
  async warmUp({ model }) {
    const ids = BigInt64Array.from(WARM_UP_TOKENS.map(BigInt));
    const outputs = (await model({
      input_ids: new Tensor('int64', ids, [1, ids.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    })) as { logits: Tensor };
    // The next-token scores at every position: the self-check compares the tokens greedy decoding would pick.
    return { kind: 'logits', steps: ids.length, outputs: [toFloat32(outputs.logits)] };
  },
  async dispose({ model }) {
    await model.dispose();
  },
};
