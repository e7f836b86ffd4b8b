import { describe, expect, it } from 'vitest';
import { SpeculativeTurn, speculationTimings, type SpeculationAction } from './speculativeTurn';

const TURN = { index: 2, startMs: 1000, endMs: 4000 };
/** The same turn with more speech after a resumption. */
const LONGER = { index: 2, startMs: 1000, endMs: 6000 };

describe('SpeculativeTurn', () => {
  it('tentative -> transcript -> prefill -> confirmed: commits, and all the work ran before the confirmation', () => {
    const machine = new SpeculativeTurn();
    expect(machine.handle({ type: 'tentative', span: TURN, atMs: 4224 })).toEqual([{ type: 'transcribe', id: 1 }]);
    expect(machine.handle({ type: 'transcribed', id: 1, transcript: 'hello there', atMs: 4324 })).toEqual([{ type: 'prefill', id: 1, attempt: 1, transcript: 'hello there' }]);
    expect(machine.handle({ type: 'prefilled', id: 1, attempt: 1, prefilledTokens: 12, atMs: 4424 })).toEqual([]);
    expect(machine.handle({ type: 'confirmed', span: { ...TURN }, atMs: 4512 })).toEqual([
      { type: 'commit', id: 1 },
      { type: 'figures', id: 1, figures: { waitMs: 288, asrMs: 100, prefillMs: 100, prefilledTokens: 12, hiddenMs: 200 } },
    ]);
  });

  it('tentative -> resumed -> tentative -> confirmed with the transcript still running: the first is cancelled, the second committed', () => {
    const machine = new SpeculativeTurn();
    machine.handle({ type: 'tentative', span: TURN, atMs: 4224 });
    expect(machine.handle({ type: 'resumed', atMs: 4300 })).toEqual([{ type: 'cancel', id: 1, work: 'all' }]);
    expect(machine.handle({ type: 'tentative', span: LONGER, atMs: 6224 })).toEqual([{ type: 'transcribe', id: 2 }]);
    // Confirmed before the transcript: committed now, figures when the transcript arrives; no prefill (the reply does it).
    expect(machine.handle({ type: 'confirmed', span: LONGER, atMs: 6512 })).toEqual([{ type: 'commit', id: 2 }]);
    expect(machine.handle({ type: 'transcribed', id: 2, transcript: 'longer', atMs: 6600 })).toEqual([
      { type: 'figures', id: 2, figures: { waitMs: 288, asrMs: 376, prefillMs: null, prefilledTokens: null, hiddenMs: 288 } },
    ]);
  });

  it('tentative -> resumed with the speculative transcript still running: its result is discarded, nothing is prefilled or committed', () => {
    const machine = new SpeculativeTurn();
    machine.handle({ type: 'tentative', span: TURN, atMs: 4224 });
    expect(machine.handle({ type: 'resumed', atMs: 4300 })).toEqual([{ type: 'cancel', id: 1, work: 'all' }]);
    expect(machine.handle({ type: 'transcribed', id: 1, transcript: 'hello', atMs: 4400 })).toEqual([]);
    expect(machine.handle({ type: 'prefilled', id: 1, attempt: 1, prefilledTokens: 9, atMs: 4500 })).toEqual([]);
    // The turn that finally ends is longer: no speculation of it to commit.
    expect(machine.handle({ type: 'confirmed', span: LONGER, atMs: 6512 })).toEqual([]);
  });

  it('barge-in during speculation: the running prefill is cancelled and runs again on the new dialogue; the stale one is ignored', () => {
    const machine = new SpeculativeTurn();
    machine.handle({ type: 'tentative', span: TURN, atMs: 4224 });
    machine.handle({ type: 'transcribed', id: 1, transcript: 'hello', atMs: 4300 });
    expect(machine.handle({ type: 'bargeIn', atMs: 4350 })).toEqual<SpeculationAction[]>([
      { type: 'cancel', id: 1, work: 'prefill' },
      { type: 'prefill', id: 1, attempt: 2, transcript: 'hello' },
    ]);
    expect(machine.handle({ type: 'prefilled', id: 1, attempt: 1, prefilledTokens: 3, atMs: 4360 })).toEqual([]);
    expect(machine.handle({ type: 'confirmed', span: TURN, atMs: 4512 })).toEqual([{ type: 'commit', id: 1 }]);
    // The prefill outlives the confirmation: only what ran before it is hidden.
    expect(machine.handle({ type: 'prefilled', id: 1, attempt: 2, prefilledTokens: 20, atMs: 4600 })).toEqual([
      { type: 'figures', id: 1, figures: { waitMs: 288, asrMs: 76, prefillMs: 250, prefilledTokens: 20, hiddenMs: 288 } },
    ]);
  });

  it('a barge-in before the transcript changes nothing: the prefill starts from the dialogue as it is then', () => {
    const machine = new SpeculativeTurn();
    machine.handle({ type: 'tentative', span: TURN, atMs: 4224 });
    expect(machine.handle({ type: 'bargeIn', atMs: 4250 })).toEqual([]);
    expect(machine.handle({ type: 'transcribed', id: 1, transcript: 'hi', atMs: 4300 })).toEqual([{ type: 'prefill', id: 1, attempt: 1, transcript: 'hi' }]);
  });

  it('a failed transcript leaves nothing to commit; a failed prefill still commits the transcript', () => {
    const failedAsr = new SpeculativeTurn();
    failedAsr.handle({ type: 'tentative', span: TURN, atMs: 4224 });
    expect(failedAsr.handle({ type: 'transcribeFailed', id: 1 })).toEqual([]);
    expect(failedAsr.handle({ type: 'confirmed', span: TURN, atMs: 4512 })).toEqual([]);

    const failedPrefill = new SpeculativeTurn();
    failedPrefill.handle({ type: 'tentative', span: TURN, atMs: 4224 });
    failedPrefill.handle({ type: 'transcribed', id: 1, transcript: 'hi', atMs: 4300 });
    failedPrefill.handle({ type: 'prefillFailed', id: 1, attempt: 1, atMs: 4320 });
    expect(failedPrefill.handle({ type: 'confirmed', span: TURN, atMs: 4512 })).toEqual([
      { type: 'commit', id: 1 },
      { type: 'figures', id: 1, figures: { waitMs: 288, asrMs: 76, prefillMs: 20, prefilledTokens: null, hiddenMs: 96 } },
    ]);
  });

  it('a confirmed turn that was never tentative (a 30 s split) commits nothing; reset cancels everything in flight', () => {
    const machine = new SpeculativeTurn();
    expect(machine.handle({ type: 'confirmed', span: TURN, atMs: 4512 })).toEqual([]);
    machine.handle({ type: 'tentative', span: TURN, atMs: 4224 });
    machine.handle({ type: 'confirmed', span: TURN, atMs: 4512 });
    machine.handle({ type: 'tentative', span: { index: 3, startMs: 5000, endMs: 6000 }, atMs: 6224 });
    expect(machine.handle({ type: 'reset' })).toEqual([
      { type: 'cancel', id: 2, work: 'all' },
      { type: 'cancel', id: 1, work: 'all' },
    ]);
    expect(machine.handle({ type: 'transcribed', id: 1, transcript: 'late', atMs: 7000 })).toEqual([]);
  });

  it('gives the figures as stage timings, leaving out a prefill that did not run', () => {
    expect(speculationTimings({ waitMs: 288, asrMs: 376, prefillMs: null, prefilledTokens: null, hiddenMs: 288 })).toEqual({
      speculativeWaitMs: 288,
      speculativeAsrMs: 376,
      speculativeHiddenMs: 288,
    });
    expect(speculationTimings({ waitMs: 288, asrMs: 100, prefillMs: 100, prefilledTokens: 12, hiddenMs: 200 })).toMatchObject({ speculativePrefillMs: 100, speculativePrefilledTokens: 12 });
  });
});
