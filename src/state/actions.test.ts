import { beforeEach, describe, expect, it } from 'vitest';
import { misfireHeard, newConversation, replyTimed, turnFinished, updateSettings } from './actions';
import { useStore } from './store';

function turnAt(energyDb: number) {
  return { startMs: 0, endMs: 1000, durationMs: 1000, energyDb, endReason: 'silence' as const, frameEnergyDb: [] };
}

describe('dialogue actions', () => {
  beforeEach(() => useStore.setState(useStore.getInitialState(), true));

  it('numbers turns and derives the strategy from their energies', () => {
    turnFinished(turnAt(-20));
    expect(useStore.getState()).toMatchObject({ strategy: 'neutral', deltaDb: null });
    turnFinished(turnAt(-26));
    turnFinished(turnAt(-32));
    const state = useStore.getState();
    expect(state.turns.map((t) => t.number)).toEqual([1, 2, 3]);
    // -32 - mean(-20, -26) = -9 dB, beyond tau = 3 dB.
    expect(state.deltaDb).toBeCloseTo(-9, 10);
    expect(state.strategy).toBe('comfort');
  });

  it('re-derives the strategy when tau changes', () => {
    [-20, -26, -32].forEach((db) => turnFinished(turnAt(db)));
    updateSettings({ tauDb: 10 });
    expect(useStore.getState().strategy).toBe('neutral');
  });

  it('starts a new conversation from nothing', () => {
    [-30, -20].forEach((db) => turnFinished(turnAt(db)));
    misfireHeard();
    expect(useStore.getState().strategy).toBe('encourage');
    newConversation();
    expect(useStore.getState()).toMatchObject({ turns: [], strategy: 'neutral', deltaDb: null, misfires: 0 });
  });
});

describe('reply timings', () => {
  beforeEach(() => useStore.setState(useStore.getInitialState(), true));

  it('a later report without timings (a barge-in on a spoken reply) keeps the ones the reply had', () => {
    replyTimed(3, { speechFront: 2, firstToken: 40 });
    replyTimed(3, {});
    replyTimed(4, { firstToken: 30 });
    expect(useStore.getState().replyTimingsMs).toEqual({ 3: { speechFront: 2, firstToken: 40 }, 4: { firstToken: 30 } });
  });
});
