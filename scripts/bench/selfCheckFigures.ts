// The figures the self-check's limits rest on, for one WebGPU probe against its wasm reference: every measure the
// self-check could apply (relative error, greedy and top-k agreement, spectral distance), whichever one it applies.
import { compareOutputs } from '../../src/models/selfCheck/compareOutputs';
import type { SelfCheckProbe } from '../../src/models/selfCheck/probe';
import { spectralDistanceDb } from '../../src/models/selfCheck/spectralDistance';
import { TOKEN_RULE } from '../../src/models/selfCheck/tolerances';
import { compareTokens } from '../../src/models/selfCheck/tokenAgreement';

export interface ProbeFigures {
  /** max |candidate - reference| / max |reference|; null when the outputs' shapes differ (speech of other lengths). */
  relativeError: number | null;
  /** Logits only: share of steps whose greedy tokens are equal, and mean top-k overlap. */
  greedyAgreement: number | null;
  topKOverlap: number | null;
  /** Speech only: RMS distance of the long-term spectra, in dB. */
  spectrumDb: number | null;
}

export function probeFigures(candidate: SelfCheckProbe, reference: SelfCheckProbe): ProbeFigures {
  const { relativeError, mismatch } = compareOutputs(candidate.outputs, reference.outputs);
  const sameLogitShape = candidate.kind === 'logits' && reference.kind === 'logits' && candidate.outputs[0]!.length === reference.outputs[0]!.length;
  const tokens = sameLogitShape ? compareTokens(candidate.outputs[0]!, reference.outputs[0]!, reference.steps, TOKEN_RULE.k) : null;
  const isSpeech = candidate.kind === 'waveform' && reference.kind === 'waveform';
  return {
    relativeError: mismatch === null ? relativeError : null,
    greedyAgreement: tokens?.greedyAgreement ?? null,
    topKOverlap: tokens?.topKOverlap ?? null,
    spectrumDb: isSpeech ? spectralDistanceDb(candidate.outputs[0]!, reference.outputs[0]!) : null,
  };
}

/** One line of figures, e.g. "rel 3.1e-4, greedy 8/8, top-10 96%". */
export function formatFigures(figures: ProbeFigures, steps: number | null): string {
  const parts = [`rel ${figures.relativeError === null ? 'n/a (shapes differ)' : figures.relativeError.toExponential(1)}`];
  if (figures.greedyAgreement !== null && steps !== null) parts.push(`greedy ${Math.round(figures.greedyAgreement * steps)}/${steps}`);
  if (figures.topKOverlap !== null) parts.push(`top-${TOKEN_RULE.k} ${(figures.topKOverlap * 100).toFixed(0)}%`);
  if (figures.spectrumDb !== null) parts.push(`spectrum ${figures.spectrumDb.toFixed(2)} dB`);
  return parts.join(', ');
}
