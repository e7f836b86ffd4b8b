import { describe, expect, it } from 'vitest';
import { ReplyHearing } from './replyHearing';

describe('ReplyHearing', () => {
  it('drops a reply written but not yet played when the next turn ends', () => {
    const hearing = new ReplyHearing();
    hearing.voicing(1);
    hearing.userSpoke(5000);
    expect(hearing.newUserTurn()).toBe(1);
    // Dropped once: the turn after finds nothing left.
    expect(hearing.newUserTurn()).toBeNull();
  });

  it('keeps a reply whose audio began before the user spoke again', () => {
    const hearing = new ReplyHearing();
    hearing.voicing(1);
    hearing.played(1, 3000);
    hearing.userSpoke(5000);
    expect(hearing.newUserTurn()).toBeNull();
  });

  it('drops a reply whose first audio came while the user was already speaking', () => {
    const hearing = new ReplyHearing();
    hearing.voicing(1);
    hearing.userSpoke(5000);
    hearing.played(1, 5200);
    expect(hearing.newUserTurn()).toBe(1);
  });

  it('a later chunk playing does not move the time the reply was first heard', () => {
    const hearing = new ReplyHearing();
    hearing.voicing(1);
    hearing.played(1, 3000);
    hearing.played(1, 6000);
    hearing.userSpoke(5000);
    expect(hearing.newUserTurn()).toBeNull();
  });

  it('only the reply being voiced counts: audio of an older reply does not mark the newer one heard', () => {
    const hearing = new ReplyHearing();
    hearing.voicing(1);
    hearing.played(1, 1000);
    hearing.voicing(3);
    hearing.played(1, 2000);
    hearing.userSpoke(5000);
    expect(hearing.newUserTurn()).toBe(3);
  });

  it('after a barge-in silenced the voice there is nothing to drop', () => {
    const hearing = new ReplyHearing();
    hearing.voicing(1);
    hearing.userSpoke(5000);
    hearing.silenced();
    expect(hearing.newUserTurn()).toBeNull();
  });
});
