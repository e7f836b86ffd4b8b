import onnxProto from 'onnx-proto';
import type { InferenceSession, Tensor } from 'onnxruntime-web';

const { onnx } = onnxProto;

/** A decoder's key/value cache outputs, as the ONNX exports of causal LMs name them (Whisper's present.N.decoder.key is not one). */
const PRESENT = /^present\.\d+\.(key|value)$/;
/** The inputs whose second dimension counts the positions a run adds. */
const SEQUENCE_INPUTS = ['input_ids', 'inputs_embeds'];
/** Shape's start and end attributes, which read the new positions' count in one node, came with opset 15. */
const MIN_OPSET = 15;
const PREFIX = 'es4r_new_kv_rows/';
/** A pooled cache grows in steps of this many positions: a fresh allocation every 256 tokens, not every token. */
const GROWTH_POSITIONS = 256;

/** The feed a present output is given back as on the next run (transformers.js' naming). */
const pastNameOf = (presentName: string): string => presentName.replace('present', 'past_key_values');

const int64 = (name: string, value: bigint) =>
  onnx.TensorProto.create({ name, dims: [1], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(BigInt64Array.of(value).buffer) });

/**
 * Rewrites a causal LM's graph (in place) so that each present.N.key / .value output holds only the positions this
 * run added, not the whole cache: onnxruntime-web hands every output back in a freshly allocated array, and for the
 * cache that is 80 KB per cached token of SmolLM2-360M at every step, all of it memory never touched before.
 * Returns the rewritten outputs' names (none when the graph is not such a decoder).
 */
export function keepNewKvRowsOnly(model: onnxProto.onnx.IModelProto): string[] {
  const graph = model.graph;
  const opset = model.opsetImport?.find((entry) => !entry.domain)?.version;
  const sequenceInput = graph?.input?.find((input) => SEQUENCE_INPUTS.includes(input.name ?? ''));
  if (!graph || !sequenceInput || opset === undefined || opset === null || Number(opset) < MIN_OPSET) return [];
  const floatTypes: number[] = [onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.FLOAT16];
  const presents = (graph.output ?? []).filter((output) => {
    const tensorType = output.type?.tensorType;
    const name = output.name ?? '';
    return PRESENT.test(name) && tensorType?.shape?.dim?.length === 4 && floatTypes.includes(tensorType.elemType ?? -1) && graph.input?.some((input) => input.name === pastNameOf(name));
  });
  if (presents.length === 0) return [];
  const rows = `${PREFIX}rows`;
  const starts = `${PREFIX}starts`;
  const node = (opType: string, input: string[], output: string[], attribute: onnxProto.onnx.IAttributeProto[] = []) =>
    onnx.NodeProto.create({ opType, input, output, attribute, name: `${PREFIX}${output[0]}` });
  const added = [
    node('Shape', [sequenceInput.name!], [rows], [
      { name: 'start', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
      { name: 'end', type: onnx.AttributeProto.AttributeType.INT, i: 2 },
    ]),
    node('Neg', [rows], [starts]),
  ];
  graph.initializer = [...(graph.initializer ?? []), int64(`${PREFIX}ends`, 2n ** 63n - 1n), int64(`${PREFIX}axes`, 2n)];
  // The whole cache keeps flowing under a name of its own; the output's name goes to the Slice of its new rows.
  const wholeNames = new Map(presents.map((output) => [output.name!, `${PREFIX}${output.name!}`]));
  const renamed = (value: string) => wholeNames.get(value) ?? value;
  for (const existing of graph.node ?? []) {
    existing.output = (existing.output ?? []).map(renamed);
    existing.input = (existing.input ?? []).map(renamed);
  }
  for (const output of presents) {
    added.push(node('Slice', [renamed(output.name!), starts, `${PREFIX}ends`, `${PREFIX}axes`], [output.name!]));
    output.type!.tensorType!.shape!.dim![2] = { dimParam: 'new_sequence_length' };
  }
  graph.node = [...(graph.node ?? []), ...added];
  return presents.map((output) => output.name!);
}

type CacheArray = Float32Array | Uint16Array;
type TensorConstructor = new (type: 'float32' | 'float16', data: CacheArray, dims: readonly number[]) => Tensor;

/**
 * The whole cache a run of a rewritten decoder would have returned: each past tensor fed in with the new rows after
 * it, written into one of two arrays kept per output, the one the past does not live in. The array is reused, so
 * only its first touch costs page faults. A cache tensor this returns stays valid until the run after the next one:
 * each step's cache must be fed to the next step, and no older one kept (one sequence, as the reply engine runs it).
 */
class PooledCache {
  private readonly slots = new Map<string, [CacheArray | null, CacheArray | null]>();

  constructor(private readonly TensorClass: TensorConstructor) {}

  append(name: string, past: Tensor | undefined, rows: Tensor): Tensor {
    const [batch, heads, added, headDim] = rows.dims as [number, number, number, number];
    const cached = past?.dims[2] ?? 0;
    if (past && (past.dims.length !== 4 || past.dims[0] !== batch || past.dims[1] !== heads || past.dims[3] !== headDim || past.type !== rows.type)) {
      throw new Error(`${name}: the past cache [${past.dims.join(', ')}] ${past.type} does not fit the new rows [${rows.dims.join(', ')}] ${rows.type}`);
    }
    const pastData = past?.data as CacheArray | undefined;
    const rowsData = rows.data as CacheArray;
    const total = cached + added;
    const blocks = batch * heads;
    const size = blocks * total * headDim;
    let slots = this.slots.get(name);
    if (!slots) this.slots.set(name, (slots = [null, null]));
    const index = pastData && slots[0]?.buffer === pastData.buffer ? 1 : 0;
    let target = slots[index];
    if (!target || target.length < size || target.constructor !== rowsData.constructor) {
      const capacity = blocks * headDim * Math.ceil(total / GROWTH_POSITIONS) * GROWTH_POSITIONS;
      // The runtime's own array type (float16 may come as Uint16Array or Float16Array): copies stay bit for bit.
      target = new (rowsData.constructor as new (length: number) => CacheArray)(capacity);
      slots[index] = target;
    }
    for (let block = 0; block < blocks; block++) {
      const at = block * total * headDim;
      if (pastData && cached > 0) target.set(pastData.subarray(block * cached * headDim, (block + 1) * cached * headDim), at);
      target.set(rowsData.subarray(block * added * headDim, (block + 1) * added * headDim), at + cached * headDim);
    }
    return new this.TensorClass(rows.type as 'float32' | 'float16', target.subarray(0, size), [batch, heads, total, headDim]);
  }
}

/**
 * A session of a decoder rewritten by keepNewKvRowsOnly that answers as the original would: every present output
 * is the whole cache again, assembled in reused arrays. Everything else is the session's own.
 */
export function withWholeKvCache<S extends Pick<InferenceSession, 'run'>>(session: S, presentNames: readonly string[], TensorClass: TensorConstructor): S {
  const pool = new PooledCache(TensorClass);
  const caches = presentNames.map((name) => ({ name, pastName: pastNameOf(name) }));
  const run = async (feeds: InferenceSession.FeedsType, ...rest: unknown[]): Promise<InferenceSession.ReturnType> => {
    const outputs = await (session.run as (...args: unknown[]) => Promise<InferenceSession.ReturnType>)(feeds, ...rest);
    const whole: Record<string, InferenceSession.ReturnType[string]> = { ...outputs };
    for (const { name, pastName } of caches) {
      const rows = outputs[name];
      if (rows) whole[name] = pool.append(name, feeds[pastName], rows);
    }
    return whole;
  };
  return new Proxy(session, {
    get(target, property) {
      if (property === 'run') return run;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set: (target, property, value) => Reflect.set(target, property, value, target),
  });
}
