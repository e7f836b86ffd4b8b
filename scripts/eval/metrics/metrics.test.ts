import { describe, expect, it } from 'vitest';
import { brevityPenalty, clippedCounts, closestReferenceLength, corpusBleu } from './bleu';
import { distinctN } from './distinct';
import { replyMetrics } from './replyMetrics';
import { lcsLength, rougeL } from './rougeL';
import { metricTokens, wordCount } from './tokenize';

// The BLEU paper's (Papineni et al. 2002, section 2.1) example sentences, and the values NLTK's
// nltk.translate.bleu_score doctests publish for them.
const hyp1 = 'It is a guide to action which ensures that the military always obeys the commands of the party'.split(' ');
const hyp2 = 'It is to insure the troops forever hearing the activity guidebook that party direct'.split(' ');
const ref1a = 'It is a guide to action that ensures that the military will forever heed Party commands'.split(' ');
const ref1b = 'It is the guiding principle which guarantees the military forces always being under the command of the Party'.split(' ');
const ref1c = 'It is the practical guide for the army always to heed the directions of the party'.split(' ');
const hypBook = 'he read the book because he was interested in world history'.split(' ');
const refBook = 'he was interested in world history because he read the book'.split(' ');
const ratio = ({ matches, total }: { matches: number; total: number }) => matches / total;

describe('BLEU against the BLEU paper and NLTK doctests', () => {
  it('clips n-gram counts: "the the the the the the the" scores 2/7 on unigrams', () => {
    const the7 = 'the the the the the the the'.split(' ');
    expect(clippedCounts(['the cat is on the mat'.split(' '), 'there is a cat on the mat'.split(' ')], the7, 1)).toEqual({ matches: 2, total: 7 });
  });

  it('gives the paper\'s modified precisions for its two candidates (17/18 and 10/17; 8/14 and 1/13)', () => {
    const refs = [ref1a, ref1b, ref1c];
    expect(ratio(clippedCounts(refs, hyp1, 1))).toBeCloseTo(0.9444444444444444, 12);
    expect(ratio(clippedCounts(refs, hyp1, 2))).toBeCloseTo(0.5882352941176471, 12);
    expect(ratio(clippedCounts(refs, hyp2, 1))).toBeCloseTo(0.5714285714285714, 12);
    expect(ratio(clippedCounts(refs, hyp2, 2))).toBeCloseTo(0.07692307692307693, 12);
  });

  it('takes the closest reference length, the shorter on a tie, for the brevity penalty', () => {
    const a = (n: number) => new Array<string>(n).fill('a');
    expect(brevityPenalty(closestReferenceLength([a(28), a(28)], 12), 12)).toBeCloseTo(0.2635971381157267, 12);
    expect(brevityPenalty(closestReferenceLength([a(13), a(2)], 12), 12)).toBeCloseTo(0.9200444146293233, 12);
    expect(brevityPenalty(closestReferenceLength([a(13), a(11)], 12), 12)).toBe(1);
    // mteval-v13a.pl's example, as NLTK quotes it.
    expect(brevityPenalty(closestReferenceLength([a(11), a(8)], 7), 7)).toBeCloseTo(0.8668778997501817, 12);
  });

  it('matches NLTK corpus_bleu on the two-sentence corpus: BLEU-1 0.9655..., BLEU-4 0.5920...', () => {
    const referenceSets = [[ref1a, ref1b, ref1c], [refBook]];
    expect(corpusBleu(referenceSets, [hyp1, hypBook], 1)).toBeCloseTo(0.9655172413793104, 12);
    expect(corpusBleu(referenceSets, [hyp1, hypBook], 4)).toBeCloseTo(0.5920778868801042, 12);
  });

  it('matches NLTK sentence_bleu on the paper\'s first candidate (0.5045...) and is 0 when an order has no match', () => {
    expect(corpusBleu([[ref1a, ref1b, ref1c]], [hyp1], 4)).toBeCloseTo(0.5045666840058485, 4);
    expect(corpusBleu([[['i', 'hear', 'you']]], [['that', 'sounds', 'hard']], 4)).toBe(0);
  });
});

describe('ROUGE-L against Lin (2004), section 3.1', () => {
  it('scores "police kill the gunman" 3/4 and "the gunman kill police" 2/4 against "police killed the gunman"', () => {
    const reference = 'police killed the gunman'.split(' ');
    expect(lcsLength('police kill the gunman'.split(' '), reference)).toBe(3);
    expect(rougeL('police kill the gunman'.split(' '), reference)).toBeCloseTo(0.75, 12);
    expect(rougeL('the gunman kill police'.split(' '), reference)).toBeCloseTo(0.5, 12);
  });

  it('weighs recall and precision as the F-measure does when the lengths differ', () => {
    // LCS 2 ("a c"), R = 2/3, P = 2/2: F1 = 2RP/(R+P) = 0.8.
    expect(rougeL(['a', 'c'], ['a', 'b', 'c'])).toBeCloseTo(0.8, 12);
    expect(rougeL([], ['a'])).toBe(0);
  });
});

describe('Distinct-n (Li et al. 2016), counted by hand', () => {
  it('divides distinct n-grams by all n-grams over every reply', () => {
    const replies = [['i', 'am', 'sad'], ['i', 'am', 'happy']];
    expect(distinctN(replies, 1)).toBeCloseTo(4 / 6, 12);
    expect(distinctN(replies, 2)).toBeCloseTo(3 / 4, 12);
    expect(distinctN([['one']], 2)).toBeNull();
  });
});

describe('metricTokens / replyMetrics', () => {
  it('lower-cases, keeps contractions whole and splits punctuation off', () => {
    expect(metricTokens("I'm fine, THANKS!")).toEqual(["i'm", 'fine', ',', 'thanks', '!']);
    expect(wordCount("I'm fine, thanks!")).toBe(3);
  });

  it('scores only the replies with a reference for BLEU and ROUGE-L, and every reply for diversity and length', () => {
    const metrics = replyMetrics([
      { reply: 'police kill the gunman', reference: 'police killed the gunman' },
      { reply: 'no reference here at all', reference: null },
    ]);
    expect(metrics).toMatchObject({ replies: 2, referenced: 1, rougeL: 0.75, meanReplyWords: 4.5 });
    expect(metrics.bleu1).toBeCloseTo(0.75, 12);
    expect(metrics.bleu4).toBe(0);
    expect(metrics.distinct1).toBeCloseTo(9 / 9, 12);
    expect(replyMetrics([{ reply: 'hello', reference: null }])).toMatchObject({ bleu1: null, bleu4: null, rougeL: null });
  });
});
