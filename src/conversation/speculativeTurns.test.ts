import { describe, expect, it } from 'vitest';
import type { Turn } from '../turns/turn';
import type { Transcriber } from './conversation';
import { SpeculativeTurns, type SpeculationPorts } from './speculativeTurns';

function turnOf(endMs: number): Turn {
  return {
    index: 0, startMs: 1000, endMs, paddedStartMs: 800, paddedEndMs: endMs, pcm16k: new Float32Array(16), nMels: 80, frameCount: 1,
    logMel: new Float32Array(80), energy: new Float32Array(1), speechFrames: new Uint8Array(1), energyMean: 1, energyDb: 0, endReason: 'silence', decidedAtMs: endMs + 500,
  };
}

/** Ports whose work finishes when the test says so, on a clock the test moves. */
class ManualPorts implements SpeculationPorts {
  clockMs = 0;
  readonly transcripts: { turn: Turn; signal: AbortSignal; finish(text: string): void }[] = [];
  readonly prefills: { transcript: string; signal: AbortSignal; finish(tokens: number): void }[] = [];
  now = () => this.clockMs;
  transcribe(turn: Turn, signal: AbortSignal): ReturnType<SpeculationPorts['transcribe']> {
    return new Promise((resolve) => this.transcripts.push({ turn, signal, finish: (text) => resolve({ text, timingsMs: { encoder: 7 } }) }));
  }
  prefill(_turn: Turn, transcript: string, signal: AbortSignal): ReturnType<SpeculationPorts['prefill']> {
    return new Promise((resolve) => this.prefills.push({ transcript, signal, finish: (prefilledTokens) => resolve({ prefilledTokens }) }));
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SpeculativeTurns', () => {
  it('a confirmed turn reuses the speculative transcript (the recognizer runs once) and reports what ran before the confirmation', async () => {
    const ports = new ManualPorts();
    const speculation = new SpeculativeTurns(ports);
    let baseCalls = 0;
    const transcriber = speculation.transcriber({ transcribe: async () => ((baseCalls++), { text: 'recomputed', timingsMs: {} }) } satisfies Transcriber);
    const turn = turnOf(4000);
    ports.clockMs = 100;
    speculation.tentative(turn);
    ports.clockMs = 180;
    ports.transcripts[0]!.finish('hello');
    await settle();
    expect(ports.prefills.map((p) => p.transcript)).toEqual(['hello']);
    ports.clockMs = 300;
    ports.prefills[0]!.finish(11);
    await settle();
    ports.clockMs = 388;
    const committed = speculation.confirm(turn);
    expect(committed).not.toBeNull();
    expect(await transcriber.transcribe({ pcm16k: turn.pcm16k })).toEqual({ text: 'hello', timingsMs: { encoder: 7 } });
    expect(baseCalls).toBe(0);
    expect(await committed!.figures).toEqual({ waitMs: 288, asrMs: 80, prefillMs: 120, prefilledTokens: 11, hiddenMs: 200 });
    // Any other audio goes to the recognizer.
    expect(await transcriber.transcribe({ pcm16k: new Float32Array(16) })).toMatchObject({ text: 'recomputed' });
  });

  it('speech that resumes aborts the speculative work; its late transcript starts nothing and the longer turn is transcribed afresh', async () => {
    const ports = new ManualPorts();
    const speculation = new SpeculativeTurns(ports);
    speculation.tentative(turnOf(4000));
    speculation.resumed();
    expect(ports.transcripts[0]!.signal.aborted).toBe(true);
    ports.transcripts[0]!.finish('hel');
    await settle();
    expect(ports.prefills).toEqual([]);
    expect(speculation.confirm(turnOf(6000))).toBeNull();
  });
});
