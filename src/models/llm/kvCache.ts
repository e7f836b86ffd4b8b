// The decoder's key/value cache kept across turns: how much of it a new prompt can reuse, and cutting it to that.
import { DynamicCache, Tensor } from '@huggingface/transformers';

/** transformers.js names the attention cache inputs past_key_values.<layer>.key / .value, [batch, kvHeads, sequence, headDim]. */
const ATTENTION_ENTRY = 'past_key_values.';

/**
 * How many leading ids two sequences share. Negative ids stand for rows that are not tokens (speech vectors):
 * they never match, not even themselves, since the same id says nothing about the same vector.
 */
export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i < length && a[i]! >= 0 && a[i] === b[i]) i++;
  return i;
}

/** A tensor's values on the CPU, downloaded when they live on the GPU. */
async function valuesOf(tensor: Tensor): Promise<Tensor['data']> {
  return tensor.location === 'cpu' ? tensor.data : ((await tensor.ort_tensor.getData()) as Tensor['data']);
}

/** The first `length` positions of one [batch, heads, sequence, headDim] tensor, on the CPU. */
async function cropSequence(tensor: Tensor, length: number): Promise<Tensor> {
  const [batch, heads, sequence, headDim] = tensor.dims as [number, number, number, number];
  const values = await valuesOf(tensor);
  const cropped = new (values.constructor as new (size: number) => typeof values)(batch * heads * length * headDim);
  for (let block = 0; block < batch * heads; block++) {
    cropped.set(values.subarray(block * sequence * headDim, (block * sequence + length) * headDim) as never, block * length * headDim);
  }
  return new Tensor(tensor.type as never, cropped as never, [batch, heads, length, headDim]);
}

/**
 * The cache of the first `length` positions, or null when it holds state that cannot be cut (a recurrent or
 * convolution state of a hybrid model). The cache passed in is used up either way: its GPU tensors are disposed.
 */
export async function cropCache(cache: DynamicCache, length: number): Promise<DynamicCache | null> {
  const cachedLength = cache.get_seq_length();
  if (length > cachedLength) throw new RangeError(`cropCache: the cache holds ${cachedLength} positions, not ${length}`);
  if (length === cachedLength) return cache;
  const entries = Object.entries(cache);
  if (length <= 0 || !entries.every(([name, tensor]) => name.startsWith(ATTENTION_ENTRY) && tensor.dims.length === 4)) {
    await cache.dispose();
    return null;
  }
  const cropped: Record<string, Tensor> = {};
  for (const [name, tensor] of entries) cropped[name] = await cropSequence(tensor, length);
  await cache.dispose();
  return new DynamicCache(cropped);
}
