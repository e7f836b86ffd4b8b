import { compareOutputs } from './compareOutputs';
import type { SelfCheckProbe } from './probe';
import { spectralDistanceDb } from './spectralDistance';
import { numericTolerance, SPECTRAL_TOLERANCE_DB, TOKEN_RULE } from './tolerances';
import { compareTokens } from './tokenAgreement';
import type { Dtype } from '../device/chooseDevice';

export interface Judgement {
  agrees: boolean;
  /** False when the two runs cannot be compared (different weights, no behaviour to read): neither agrees nor differs. */
  comparable: boolean;
  /** The measure, its value and its limit, in words the Models panel shows. */
  evidence: string;
}

/** How the two runs were set up, for the rule and for the evidence. */
export interface JudgedRuns {
  candidateDtype: Dtype;
  referenceDtype: Dtype;
  /** Both sides ran the same weights (the same dtype), so their numbers must match closely. */
  sameWeights: boolean;
}

export function dtypeLabel(dtype: Dtype): string {
  return typeof dtype === 'string' ? dtype : Object.entries(dtype).map(([file, name]) => `${file} ${name}`).join(', ');
}

const fixed = (value: number) => value.toExponential(1);

/**
 * Decides whether a WebGPU run agrees with its wasm reference: number by number when both ran the same
 * weights, by behaviour otherwise (the tokens a language model would pick, the spectrum speech would have).
 */
export function judgeProbes(candidate: SelfCheckProbe, reference: SelfCheckProbe, runs: JudgedRuns): Judgement {
  const setup = runs.sameWeights ? `${dtypeLabel(runs.candidateDtype)} on both` : `${dtypeLabel(runs.candidateDtype)} on WebGPU vs ${dtypeLabel(runs.referenceDtype)} on wasm`;
  if (candidate.kind === 'waveform' && reference.kind === 'waveform') {
    const limitDb = runs.sameWeights ? SPECTRAL_TOLERANCE_DB.sameWeights : SPECTRAL_TOLERANCE_DB.otherWeights;
    const distanceDb = spectralDistanceDb(candidate.outputs[0]!, reference.outputs[0]!);
    const agrees = distanceDb <= limitDb;
    return { agrees, comparable: true, evidence: `${setup}: spectral distance ${distanceDb.toFixed(2)} dB ${agrees ? '<=' : '>'} ${limitDb} dB` };
  }
  if (runs.sameWeights || candidate.kind !== 'logits' || reference.kind !== 'logits') {
    if (!runs.sameWeights && candidate.kind === 'raw') {
      return { agrees: false, comparable: false, evidence: `${setup}: different weights and no behaviour to compare` };
    }
    const limit = numericTolerance(runs.candidateDtype);
    const { relativeError, mismatch } = compareOutputs(candidate.outputs, reference.outputs);
    const agrees = mismatch === null && relativeError <= limit;
    return { agrees, comparable: true, evidence: `${setup}: ${mismatch ?? `relative error ${fixed(relativeError)} ${agrees ? '<=' : '>'} ${limit}`}` };
  }
  if (candidate.outputs[0]!.length !== reference.outputs[0]!.length) {
    return { agrees: false, comparable: true, evidence: `${setup}: ${candidate.outputs[0]!.length} logits vs ${reference.outputs[0]!.length}` };
  }
  const tokens = compareTokens(candidate.outputs[0]!, reference.outputs[0]!, reference.steps, TOKEN_RULE.k);
  const agrees = tokens.greedyAgreement >= TOKEN_RULE.minGreedyAgreement && tokens.topKOverlap >= TOKEN_RULE.minTopKOverlap;
  const steps = reference.steps;
  return {
    agrees,
    comparable: true,
    evidence: `${setup}: greedy tokens ${Math.round(tokens.greedyAgreement * steps)}/${steps} equal (>= ${TOKEN_RULE.minGreedyAgreement * 100}% needed), top-${TOKEN_RULE.k} overlap ${(tokens.topKOverlap * 100).toFixed(0)}% (>= ${TOKEN_RULE.minTopKOverlap * 100}% needed)`,
  };
}
