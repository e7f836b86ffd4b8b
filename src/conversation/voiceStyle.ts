// ES4R Stage 3, the voice side (docs/es4r.md, "our definitions"): strategy -> voice blend and speed; inverse-energy style fusion.
import type { Pack, VoicePresets } from '../models/manifest';
import type { Strategy } from './strategy';

/** How the reply's style vector is obtained: from the user's turn audio (the paper's method) or from voice presets. */
export type StyleSource = 'encoder' | 'presets';

export interface VoiceChoice {
  /** Voice name -> weight (not necessarily normalised). */
  voiceMix: Record<string, number>;
  /** Kokoro's speed input: 0.9 speaks 10% slower. */
  speed: number;
}

/** A user turn's style vector and its energy e_k (a power quantity, > 0). */
export interface TurnStyle {
  style: Float32Array;
  energy: number;
}

/** The pack's preset for `strategy`: comfort slower and calmer, encourage brighter, neutral the default voice. */
export function voiceFor(strategy: Strategy, presets: VoicePresets): VoiceChoice {
  const preset = presets.presets[strategy];
  return { voiceMix: { ...preset.mix }, speed: preset.speed };
}

/** 'encoder' only when the pack installs a style encoder (today none does), else the voice presets. */
export function styleSourceFor(pack: Pack): StyleSource {
  return pack.components.style_encoder ? 'encoder' : 'presets';
}

/** Weighted mean of same-sized vectors; weights are used as given (callers normalise). */
function weightedSum(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const size = vectors[0]?.length ?? 0;
  const result = new Float32Array(size);
  vectors.forEach((vector, i) => {
    if (vector.length !== size) throw new Error(`vectors differ in length: ${vector.length} vs ${size}`);
    const weight = weights[i]!;
    for (let j = 0; j < size; j++) result[j]! += weight * vector[j]!;
  });
  return result;
}

/** The weighted average of voice tables (element by element, every row); weights are normalised to sum to 1. */
export function blendVoices(tables: Readonly<Record<string, Float32Array>>, mix: Readonly<Record<string, number>>): Float32Array {
  const entries = Object.entries(mix).filter(([, weight]) => weight !== 0);
  if (entries.length === 0) throw new Error('voice mix is empty');
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (!(total > 0) || entries.some(([, weight]) => weight < 0 || !Number.isFinite(weight))) {
    throw new Error(`voice mix weights must be non-negative and sum to more than 0: ${JSON.stringify(mix)}`);
  }
  const vectors = entries.map(([name]) => {
    const table = tables[name];
    if (!table) throw new Error(`voice "${name}" is not loaded (loaded: ${Object.keys(tables).join(', ')})`);
    return table;
  });
  return weightedSum(vectors, entries.map(([, weight]) => weight / total));
}

/** docs/es4r.md: s = sum_i w_i s_i with w_i = (1/e_i) / sum_j (1/e_j): quieter turns weigh more. */
export function fuseStyles(turnStyles: readonly TurnStyle[]): Float32Array {
  if (turnStyles.length === 0) throw new Error('no turn styles to fuse');
  const inverse = turnStyles.map(({ energy }) => {
    if (!(energy > 0) || !Number.isFinite(energy)) throw new Error(`turn energy must be positive and finite, got ${energy}`);
    return 1 / energy;
  });
  const total = inverse.reduce((sum, x) => sum + x, 0);
  return weightedSum(turnStyles.map(({ style }) => style), inverse.map((x) => x / total));
}

/** How much of the fused user style goes into each row of the base voice. */
export const USER_STYLE_WEIGHT = 0.5;

/**
 * The base voice with the user's fused style blended into every row (docs/es4r.md: "blended with the
 * base voice"), so the row Kokoro picks by phoneme count still exists.
 */
export function voiceWithStyle(table: Float32Array, style: Float32Array, styleWeight = USER_STYLE_WEIGHT): Float32Array {
  if (table.length % style.length !== 0) throw new Error(`a voice table of ${table.length} floats does not hold rows of ${style.length}`);
  const blended = new Float32Array(table.length);
  for (let i = 0; i < table.length; i++) blended[i] = (1 - styleWeight) * table[i]! + styleWeight * style[i % style.length]!;
  return blended;
}
