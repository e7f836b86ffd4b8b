// onnx/decoder_model_merged_q4.onnx of a scale Whisper, in Optimum's merged contract (the tiny pack's
// scripts/tinyPack/whisper/decoderGraph.ts keeps the same one): inputs input_ids, encoder_hidden_states,
// past_key_values.{i}.{decoder,encoder}.{key,value}, use_cache_branch; outputs logits then present.*. An If on
// use_cache_branch computes the cross-attention K/V from encoder_hidden_states (first step) or passes the past ones
// through and outputs EMPTY present.*.encoder.* [0, heads, 1, head_dim] (cached steps). Linear layers are
// MatMulNBits (q4, block 32); the token table stays fp32 for the Gather, and proj_out is that table quantised.
//
// Random weights alone would copy the last forced token forever (see transcript.ts): the learned position rows
// hold strong copies of the transcript's token embeddings, then of <|endoftext|>'s, so greedy decoding spells the
// transcript and ends. Every other weight is random; the readout sees the rows through all layers.
import { attr, GraphBuilder } from '../../tinyPack/onnxGraph';
import { extraOpsets, ScaleWeights } from '../scaleWeights';
import { tensorSeed, WeightRandom } from '../weights';
import { headDim, TARGET_POSITIONS, VOCAB_SIZE, type WhisperArchitecture } from './architectures';
import { WhisperBlocks } from './blocks';
import { type BuiltGraph, mergeHistograms } from './builtGraph';
import { tiedInt8MatMul, tiedQ4MatMul } from './tiedProjection';

/** The merged decoder's published weight formats: q4 (MatMulNBits) and int8 (MatMulInteger on signed weights). */
export type DecoderFormat = 'q4' | 'int8';

/** Tokens generate() forces first: <|startoftranscript|> <|en|> <|transcribe|> <|notimestamps|>. */
export const FORCED_PREFIX_TOKENS = 4;
/** Uniform amplitude of the token embedding (rms 0.58 per element). */
const EMBEDDING_AMPLITUDE = 1;
/** Amplitude of the ordinary learned positions, small beside the tokens as in trained Whispers. */
const POSITION_AMPLITUDE = 0.1;
/** Rms per element of the spelling rows: far above the residual's other parts (about 1-2), so they win the readout. */
const SPELLING_ROW_RMS = 8;
/** Finite, so that no row of the causal softmax can become NaN. */
const MASKED_SCORE = -1e9;

const PAST_DECODER = 'past_decoder_sequence_length';
const ENCODER_OUT = 'encoder_sequence_length_out';

export const pastName = (layer: number, side: 'decoder' | 'encoder', kind: 'key' | 'value'): string => `past_key_values.${layer}.${side}.${kind}`;
export const presentName = (layer: number, side: 'decoder' | 'encoder', kind: 'key' | 'value'): string => `present.${layer}.${side}.${kind}`;

/** What the decoder says: the transcript's ids, then <|endoftext|> for every later position. */
export interface DecoderSpelling {
  transcript: number[];
  endOfText: number;
}

/** Learned positions: small random rows for the forced prefix, then rows that each make one token the readout's choice. */
export function decoderPositions(seed: number, dModel: number, tokenTable: Float32Array, spelling: DecoderSpelling): Float32Array {
  const positions = new WeightRandom(tensorSeed(seed, 'model.decoder.embed_positions.weight')).floats(TARGET_POSITIONS * dModel, POSITION_AMPLITUDE);
  // The logits at position p choose the token at p + 1: the prefix fills 0..3, so position 3 + i says token i.
  for (let position = FORCED_PREFIX_TOKENS - 1; position < TARGET_POSITIONS; position++) {
    const token = spelling.transcript[position - FORCED_PREFIX_TOKENS + 1] ?? spelling.endOfText;
    const row = tokenTable.subarray(token * dModel, (token + 1) * dModel);
    const rms = Math.sqrt(row.reduce((sum, v) => sum + v * v, 0) / dModel);
    for (let c = 0; c < dModel; c++) positions[position * dModel + c] = (row[c]! * SPELLING_ROW_RMS) / rms;
  }
  return positions;
}

interface CrossKeyValue {
  key: string;
  value: string;
  presentKey: string;
  presentValue: string;
}

/** The If on use_cache_branch (then: cached, empty presents; else: projected from encoder_hidden_states). */
function crossKeyValues(g: GraphBuilder, a: WhisperArchitecture, seed: number, format: DecoderFormat, encoderStates: string, useCache: string): { kv: CrossKeyValue[]; parameters: number; opHistogram: Record<string, number> } {
  const cached = new GraphBuilder('then/');
  const computed = new GraphBuilder('else/');
  const computedWeights = new ScaleWeights(computed, seed, format);
  const blocks = new WhisperBlocks(computed, computedWeights, a, 'model.decoder.cross');
  const dims = ['batch_size', a.heads, ENCODER_OUT, headDim(a)];
  const empty = cached.init('model.decoder.empty_encoder_present', 'float32', [0, a.heads, 1, headDim(a)], new Float32Array(0));
  for (let layer = 0; layer < a.decoderLayers; layer++) {
    const [k, v] = blocks.keyValue(encoderStates, `model.decoder.layers.${layer}.encoder_attn`);
    for (const [kind, value] of [['key', k], ['value', v]] as const) {
      cached.output(`cached.${layer}.encoder.${kind}`, 'float32', dims, pastName(layer, 'encoder', kind));
      computed.output(`computed.${layer}.encoder.${kind}`, 'float32', dims, value);
    }
    for (const kind of ['key', 'value'] as const) {
      cached.output(`cached.${layer}.encoder_present.${kind}`, 'float32', dims, empty);
      computed.output(`computed.${layer}.encoder_present.${kind}`, 'float32', dims, `computed.${layer}.encoder.${kind}`);
    }
  }
  const outputs = g.opN('If', [useCache], a.decoderLayers * 4, {
    then_branch: attr.g(cached.graph('use_cache')),
    else_branch: attr.g(computed.graph('compute_cross_kv')),
  });
  const kv = Array.from({ length: a.decoderLayers }, (_, layer) => {
    const [key, value, presentKey, presentValue] = outputs.slice(4 * layer, 4 * layer + 4) as [string, string, string, string];
    return { key, value, presentKey, presentValue };
  });
  return { kv, parameters: computedWeights.parameters, opHistogram: mergeHistograms(cached.opHistogram(), computed.opHistogram()) };
}

/** Absolute positions of the new tokens (past length onwards) and the additive causal mask [new, past + new]. */
function positionsAndMask(g: GraphBuilder, blocks: WhisperBlocks, inputIds: string): { positions: string; mask: string } {
  const pastLength = g.op('Shape', [pastName(0, 'decoder', 'key')], { start: attr.i(2), end: attr.i(3) });
  const newLength = g.op('Shape', [inputIds], { start: attr.i(1), end: attr.i(2) });
  const start = g.op('Squeeze', [pastLength]);
  const end = g.op('Squeeze', [g.op('Add', [pastLength, newLength])]);
  const one = g.init('model.decoder.int64_one', 'int64', [], new BigInt64Array([1n]));
  const zero = g.init('model.decoder.int64_zero', 'int64', [], new BigInt64Array([0n]));
  const positions = g.op('Range', [start, end, one]);
  const keyPositions = g.op('Range', [zero, end, one]);
  const future = g.op('Greater', [keyPositions, g.op('Unsqueeze', [positions, blocks.int64([1])])]);
  return { positions, mask: g.op('Where', [future, blocks.scalar(MASKED_SCORE), blocks.scalar(0)]) };
}

export function buildDecoder(a: WhisperArchitecture, seed: number, spelling: DecoderSpelling, format: DecoderFormat = 'q4'): BuiltGraph {
  const g = new GraphBuilder('dec/');
  const w = new ScaleWeights(g, seed, format);
  const blocks = new WhisperBlocks(g, w, a, 'model.decoder');
  const d = a.dModel;
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'decoder_sequence_length']);
  const encoderStates = g.input('encoder_hidden_states', 'float32', ['batch_size', 'encoder_sequence_length / 2', d]);
  for (let layer = 0; layer < a.decoderLayers; layer++) {
    for (const kind of ['key', 'value'] as const) g.input(pastName(layer, 'decoder', kind), 'float32', ['batch_size', a.heads, PAST_DECODER, headDim(a)]);
    for (const kind of ['key', 'value'] as const) g.input(pastName(layer, 'encoder', kind), 'float32', ['batch_size', a.heads, ENCODER_OUT, headDim(a)]);
  }
  const useCache = g.input('use_cache_branch', 'bool', [1]);

  const { positions, mask } = positionsAndMask(g, blocks, inputIds);
  const tokenValues = new WeightRandom(tensorSeed(seed, 'model.decoder.embed_tokens.weight')).floats(VOCAB_SIZE * d, EMBEDDING_AMPLITUDE);
  const tokenTable = w.float('model.decoder.embed_tokens.weight', [VOCAB_SIZE, d], tokenValues);
  const positionTable = w.float('model.decoder.embed_positions.weight', [TARGET_POSITIONS, d], decoderPositions(seed, d, tokenValues, spelling));
  let x = g.op('Add', [g.op('Gather', [tokenTable, inputIds]), g.op('Gather', [positionTable, positions])]);

  const cross = crossKeyValues(g, a, seed, format, encoderStates, useCache);
  // Declared at the end in Optimum's order: logits, then present.{i}.decoder.*, present.{i}.encoder.* per layer.
  const presents: [name: string, lengthDim: string, from: string][] = [];
  for (let layer = 0; layer < a.decoderLayers; layer++) {
    const name = `model.decoder.layers.${layer}`;
    const normed = blocks.layerNorm(x, `${name}.self_attn_layer_norm`);
    const [newKey, newValue] = blocks.keyValue(normed, `${name}.self_attn`);
    const key = g.op('Concat', [pastName(layer, 'decoder', 'key'), newKey], { axis: attr.i(2) });
    const value = g.op('Concat', [pastName(layer, 'decoder', 'value'), newValue], { axis: attr.i(2) });
    presents.push([presentName(layer, 'decoder', 'key'), `${PAST_DECODER} + 1`, key], [presentName(layer, 'decoder', 'value'), `${PAST_DECODER} + 1`, value]);
    x = g.op('Add', [x, blocks.attend(blocks.query(normed, `${name}.self_attn`), key, value, `${name}.self_attn`, mask)]);

    const { key: crossKey, value: crossValue, presentKey, presentValue } = cross.kv[layer]!;
    presents.push([presentName(layer, 'encoder', 'key'), ENCODER_OUT, presentKey], [presentName(layer, 'encoder', 'value'), ENCODER_OUT, presentValue]);
    const crossQuery = blocks.query(blocks.layerNorm(x, `${name}.encoder_attn_layer_norm`), `${name}.encoder_attn`);
    x = g.op('Add', [x, blocks.attend(crossQuery, crossKey, crossValue, `${name}.encoder_attn`)]);

    x = g.op('Add', [x, blocks.feedForward(blocks.layerNorm(x, `${name}.final_layer_norm`), name)]);
  }
  const tiedMatMul = format === 'int8' ? tiedInt8MatMul : tiedQ4MatMul;
  const logits = tiedMatMul(g, blocks.layerNorm(x, 'model.decoder.layer_norm'), 'proj_out', tokenValues, VOCAB_SIZE, d);
  g.output('logits', 'float32', ['batch_size', 'decoder_sequence_length', VOCAB_SIZE], logits);
  for (const [name, lengthDim, from] of presents) g.output(name, 'float32', ['batch_size', a.heads, lengthDim, headDim(a)], from);
  return {
    bytes: g.model('whisper_decoder_merged', { extraOpsets: extraOpsets(format) }),
    format,
    parameters: w.parameters + cross.parameters,
    opHistogram: mergeHistograms(g.opHistogram(), cross.opHistogram),
  };
}
