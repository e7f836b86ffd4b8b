// The paper's automatic metrics over a set of replies: BLEU and ROUGE-L against the references where there are
// some, Distinct-n and length over every reply. Per dialogue and overall alike, always from the replies themselves.
import { corpusBleu } from './bleu';
import { distinctN } from './distinct';
import { rougeL } from './rougeL';
import { metricTokens, wordCount } from './tokenize';

export interface ScoredReply {
  reply: string;
  /** The reference reply for the same user turn, or null when the set gives none. */
  reference: string | null;
}

/** Null where a metric has nothing to measure (no reference, no reply, no n-gram). */
export interface ReplyMetrics {
  bleu1: number | null;
  bleu4: number | null;
  /** Mean over the replies that have a reference of each reply's ROUGE-L F1. */
  rougeL: number | null;
  distinct1: number | null;
  distinct2: number | null;
  meanReplyWords: number | null;
  replies: number;
  /** How many of the replies had a reference (BLEU and ROUGE-L count only these). */
  referenced: number;
}

export function replyMetrics(scored: readonly ScoredReply[]): ReplyMetrics {
  const referenced = scored.filter((s): s is ScoredReply & { reference: string } => s.reference !== null);
  const hypotheses = referenced.map((s) => metricTokens(s.reply));
  const references = referenced.map((s) => [metricTokens(s.reference)]);
  const replyTokens = scored.map((s) => metricTokens(s.reply));
  const anyReference = referenced.length > 0;
  return {
    bleu1: anyReference ? corpusBleu(references, hypotheses, 1) : null,
    bleu4: anyReference ? corpusBleu(references, hypotheses, 4) : null,
    rougeL: anyReference ? hypotheses.reduce((sum, hypothesis, i) => sum + rougeL(hypothesis, references[i]![0]!), 0) / referenced.length : null,
    distinct1: distinctN(replyTokens, 1),
    distinct2: distinctN(replyTokens, 2),
    meanReplyWords: scored.length === 0 ? null : scored.reduce((sum, s) => sum + wordCount(s.reply), 0) / scored.length,
    replies: scored.length,
    referenced: referenced.length,
  };
}
