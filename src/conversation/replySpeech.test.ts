import { describe, expect, it } from 'vitest';
import { ReplySpeech, type SpokenChunk, type Synthesizer } from './replySpeech';

/** Audio whose length is the text length, so chunks can be told apart; fails on the word "boom". */
const synthesizer: Synthesizer = {
  synthesize: async (text) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (text.includes('boom')) throw new Error('model crashed');
    return text.includes('🙂') && text.replace(/[^a-z]/gi, '') === '' ? new Float32Array(0) : new Float32Array(text.length).fill(0.1);
  },
};

function speakAll(deltas: string[]) {
  const spoken: SpokenChunk[] = [];
  const notices: string[] = [];
  const speech = new ReplySpeech(synthesizer, (chunk) => spoken.push(chunk), (notice) => notices.push(notice));
  return { speech, spoken, notices, feed: () => deltas.forEach((delta) => speech.push(delta)) };
}

describe('ReplySpeech', () => {
  it('speaks sentences in order as the text streams, the rest on finish', async () => {
    const { speech, spoken, feed } = speakAll(['I hear you. ', 'That sounds ', 'really hard. ', 'Take your time']);
    feed();
    await speech.finish();
    expect(spoken.map((c) => c.text)).toEqual(['I hear you.', 'That sounds really hard.', 'Take your time']);
    expect(spoken.map((c) => c.id)).toEqual([0, 1, 2]);
    expect(spoken[1]!.audio24k.length).toBe('That sounds really hard.'.length);
  });

  it('skips a chunk that fails with a notice and plays the rest', async () => {
    const { speech, spoken, notices, feed } = speakAll(['First part is fine. ', 'Then boom goes this one. ', 'And this one plays.']);
    feed();
    await speech.finish();
    expect(spoken.map((c) => c.text)).toEqual(['First part is fine.', 'And this one plays.']);
    expect(notices).toEqual(['A part of the reply could not be spoken (model crashed); the rest goes on.']);
  });

  it('hands nothing more to the player once cancelled', async () => {
    const { speech, spoken, feed } = speakAll(['One sentence here. ', 'Another sentence here. ', 'A third one.']);
    feed();
    speech.cancel();
    await speech.finish();
    expect(spoken).toEqual([]);
  });
});
