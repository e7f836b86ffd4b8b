/**
 * onnx/decoder_model_merged.onnx with Optimum's merged contract: one graph for the first step (empty past,
 * use_cache_branch false) and the cached steps; an If on use_cache_branch either computes the cross-attention
 * K/V from encoder_hidden_states (and outputs them as present.*.encoder.*) or attends over the past ones and outputs
 * empty present.*.encoder.* [0, heads, 1, head_dim], the constants Optimum's merge adds to the with-past branch.
 */
import { attr, GraphBuilder } from '../onnxGraph';
import {
  addDirection,
  AUDIO_DIRECTION,
  AUDIO_TO_RESIDUAL,
  D_MODEL,
  DECODER_LAYERS,
  type DecoderTables,
  FFN_DIM,
  HEAD_DIM,
  HEADS,
  TARGET_POSITIONS,
} from './design';
import { attend, feedForward, keyValue, layerNorm, linear, OUTPUT_AMPLITUDE, outputProjection, type Params, query, VALUE_AMPLITUDE } from './layers';

const PAST_DECODER = 'past_decoder_sequence_length';
const ENCODER_OUT = 'encoder_sequence_length_out';
const AUDIO_LAYER = 0;
/** Additive mask for future positions; finite so that a fully masked row could never produce NaN. */
const MASKED_SCORE = -1e9;

const pastName = (layer: number, side: 'decoder' | 'encoder', kind: 'key' | 'value'): string => `past_key_values.${layer}.${side}.${kind}`;
const presentName = (layer: number, side: 'decoder' | 'encoder', kind: 'key' | 'value'): string => `present.${layer}.${side}.${kind}`;

/** Cross-attention value of the audio layer: head 0, dim 0 = channel 0 - channel 1 of the encoder output. */
function audioValueWeight(p: Params): Float32Array {
  const weight = p.random.array(D_MODEL * D_MODEL, VALUE_AMPLITUDE);
  for (let row = 0; row < D_MODEL; row++) weight[row * D_MODEL] = row === 0 ? 1 : row === 1 ? -1 : 0;
  return weight;
}

/** Cross-attention output of the audio layer: head 0, dim 0 -> the residual audio direction, nothing else. */
function audioOutputWeight(p: Params): Float32Array {
  const weight = p.random.array(D_MODEL * D_MODEL, OUTPUT_AMPLITUDE);
  weight.fill(0, 0, D_MODEL);
  addDirection(weight, 0, AUDIO_DIRECTION, AUDIO_TO_RESIDUAL);
  return weight;
}

interface CrossKeyValue {
  /** What the cross-attention attends over. */
  key: string;
  value: string;
  /** What the step outputs as present.{layer}.encoder.*. */
  presentKey: string;
  presentValue: string;
}

/** The If on use_cache_branch: per layer, the cross-attention's key and value (split into heads) and the presents. */
function crossAttentionKeyValues(b: GraphBuilder, p: Params, encoderStates: string, useCache: string): CrossKeyValue[] {
  const cached = new GraphBuilder('then/');
  const computed = new GraphBuilder('else/');
  const dims = ['batch_size', HEADS, ENCODER_OUT, HEAD_DIM];
  const empty = cached.init('empty_encoder_present', 'float32', [0, HEADS, 1, HEAD_DIM], new Float32Array(0));
  for (let layer = 0; layer < DECODER_LAYERS; layer++) {
    const [k, v] = keyValue(computed, p, encoderStates, layer === AUDIO_LAYER ? audioValueWeight(p) : undefined);
    for (const [kind, value] of [['key', k], ['value', v]] as const) {
      cached.output(`cached.${layer}.encoder.${kind}`, 'float32', dims, pastName(layer, 'encoder', kind));
      computed.output(`computed.${layer}.encoder.${kind}`, 'float32', dims, value);
    }
    for (const kind of ['key', 'value'] as const) {
      cached.output(`cached.${layer}.encoder_present.${kind}`, 'float32', dims, empty);
      computed.output(`computed.${layer}.encoder_present.${kind}`, 'float32', dims, `computed.${layer}.encoder.${kind}`);
    }
  }
  const outputs = b.opN('If', [useCache], DECODER_LAYERS * 4, {
    then_branch: attr.g(cached.graph('use_cache')),
    else_branch: attr.g(computed.graph('compute_cross_kv')),
  });
  return Array.from({ length: DECODER_LAYERS }, (_, layer) => {
    const [key, value, presentKey, presentValue] = outputs.slice(4 * layer, 4 * layer + 4) as [string, string, string, string];
    return { key, value, presentKey, presentValue };
  });
}

/** Absolute positions of the new tokens (past length onwards) and the causal mask [new, past + new]. */
function positionsAndMask(b: GraphBuilder, p: Params, inputIds: string): { positions: string; mask: string } {
  const pastLength = b.op('Shape', [pastName(0, 'decoder', 'key')], { start: attr.i(2), end: attr.i(3) });
  const newLength = b.op('Shape', [inputIds], { start: attr.i(1), end: attr.i(2) });
  const start = b.op('Squeeze', [pastLength]);
  const end = b.op('Squeeze', [b.op('Add', [pastLength, newLength])]);
  const one = b.init('int64_one', 'int64', [], new BigInt64Array([1n]));
  const zero = b.init('int64_zero', 'int64', [], new BigInt64Array([0n]));
  const positions = b.op('Range', [start, end, one]);
  const keyPositions = b.op('Range', [zero, end, one]);
  const future = b.op('Greater', [keyPositions, b.op('Unsqueeze', [positions, p.int64(b, 'axis1', [1])])]);
  const mask = b.op('Where', [future, p.scalar(b, 'masked', MASKED_SCORE), p.scalar(b, 'unmasked', 0)]);
  return { positions, mask };
}

export function decoderModel(p: Params, tables: DecoderTables, vocab: number): Uint8Array {
  const b = new GraphBuilder('dec/');
  const inputIds = b.input('input_ids', 'int64', ['batch_size', 'decoder_sequence_length']);
  const encoderStates = b.input('encoder_hidden_states', 'float32', ['batch_size', 'encoder_sequence_length / 2', D_MODEL]);
  for (let layer = 0; layer < DECODER_LAYERS; layer++) {
    for (const kind of ['key', 'value'] as const) b.input(pastName(layer, 'decoder', kind), 'float32', ['batch_size', HEADS, PAST_DECODER, HEAD_DIM]);
    for (const kind of ['key', 'value'] as const) b.input(pastName(layer, 'encoder', kind), 'float32', ['batch_size', HEADS, ENCODER_OUT, HEAD_DIM]);
  }
  const useCache = b.input('use_cache_branch', 'bool', [1]);

  const { positions, mask } = positionsAndMask(b, p, inputIds);
  const tokenTable = p.float(b, 'embed_tokens', [vocab, D_MODEL], tables.tokenEmbedding);
  const positionTable = p.float(b, 'embed_positions', [TARGET_POSITIONS, D_MODEL], tables.positionEmbedding);
  let x = b.op('Add', [b.op('Gather', [tokenTable, inputIds]), b.op('Gather', [positionTable, positions])]);

  const crossKeyValues = crossAttentionKeyValues(b, p, encoderStates, useCache);
  // Outputs are declared at the end, in Optimum's order: logits first, then present.{i}.{decoder,encoder}.*
  const presents: [name: string, lengthDim: string, from: string][] = [];
  for (let layer = 0; layer < DECODER_LAYERS; layer++) {
    const normed = layerNorm(b, p, x);
    const [newKey, newValue] = keyValue(b, p, normed);
    const key = b.op('Concat', [pastName(layer, 'decoder', 'key'), newKey], { axis: attr.i(2) });
    const value = b.op('Concat', [pastName(layer, 'decoder', 'value'), newValue], { axis: attr.i(2) });
    presents.push([presentName(layer, 'decoder', 'key'), `${PAST_DECODER} + 1`, key], [presentName(layer, 'decoder', 'value'), `${PAST_DECODER} + 1`, value]);
    x = b.op('Add', [x, outputProjection(b, p, attend(b, p, query(b, p, normed), key, value, mask))]);

    const { key: crossKey, value: crossValue, presentKey, presentValue } = crossKeyValues[layer]!;
    presents.push([presentName(layer, 'encoder', 'key'), ENCODER_OUT, presentKey], [presentName(layer, 'encoder', 'value'), ENCODER_OUT, presentValue]);
    const crossQuery = query(b, p, layerNorm(b, p, x));
    const crossOut = layer === AUDIO_LAYER ? audioOutputWeight(p) : undefined;
    x = b.op('Add', [x, outputProjection(b, p, attend(b, p, crossQuery, crossKey, crossValue), crossOut)]);

    x = b.op('Add', [x, feedForward(b, p, layerNorm(b, p, x), FFN_DIM)]);
  }
  const readoutT = new Float32Array(D_MODEL * vocab);
  for (let k = 0; k < vocab; k++) for (let c = 0; c < D_MODEL; c++) readoutT[c * vocab + k] = tables.readout[k * D_MODEL + c]!;
  const logits = linear(b, p, layerNorm(b, p, x), p.float(b, 'proj_out', [D_MODEL, vocab], readoutT));
  b.output('logits', 'float32', ['batch_size', 'decoder_sequence_length', vocab], logits);
  for (const [name, lengthDim, from] of presents) b.output(name, 'float32', ['batch_size', HEADS, lengthDim, HEAD_DIM], from);
  return b.model('whisper_decoder_merged');
}
