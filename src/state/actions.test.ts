import { beforeEach, describe, expect, it } from 'vitest';
import { createActions } from './actions';
import { memoryStorage } from './keyValueStorage';
import { createAppStore, type AppStore } from './store';

function turnAt(energyDb: number) {
  return { startMs: 0, endMs: 1000, durationMs: 1000, energyDb, endReason: 'silence' as const, decidedAtMs: 1500, frameEnergyDb: [] };
}

describe('dialogue actions', () => {
  let store: AppStore;
  let actions: ReturnType<typeof createActions>;
  beforeEach(() => {
    store = createAppStore(memoryStorage());
    actions = createActions(store);
  });

  it('numbers turns and derives the strategy from their energies', () => {
    actions.turnFinished(turnAt(-20));
    expect(store.getState()).toMatchObject({ strategy: 'neutral', deltaDb: null });
    actions.turnFinished(turnAt(-26));
    actions.turnFinished(turnAt(-32));
    const state = store.getState();
    expect(state.turns.map((t) => t.number)).toEqual([1, 2, 3]);
    // -32 - mean(-20, -26) = -9 dB, beyond tau = 3 dB.
    expect(state.deltaDb).toBeCloseTo(-9, 10);
    expect(state.strategy).toBe('comfort');
  });

  it('re-derives the strategy when tau changes', () => {
    [-20, -26, -32].forEach((db) => actions.turnFinished(turnAt(db)));
    actions.updateSettings({ tauDb: 10 });
    expect(store.getState().strategy).toBe('neutral');
  });

  it('starts a new conversation from nothing', () => {
    [-30, -20].forEach((db) => actions.turnFinished(turnAt(db)));
    actions.misfireHeard();
    expect(store.getState().strategy).toBe('encourage');
    actions.newConversation();
    expect(store.getState()).toMatchObject({ turns: [], strategy: 'neutral', deltaDb: null, misfires: 0 });
  });
});

describe('reply timings', () => {
  let store: AppStore;
  let actions: ReturnType<typeof createActions>;
  beforeEach(() => {
    store = createAppStore(memoryStorage());
    actions = createActions(store);
  });

  it('a later report without timings (a barge-in on a spoken reply) keeps the ones the reply had', () => {
    actions.replyTimed(3, { speechFront: 2, firstToken: 40 });
    actions.replyTimed(3, {});
    actions.replyTimed(4, { firstToken: 30 });
    expect(store.getState().replyTimingsMs).toEqual({ 3: { speechFront: 2, firstToken: 40 }, 4: { firstToken: 30 } });
  });
});
