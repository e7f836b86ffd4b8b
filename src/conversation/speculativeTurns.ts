import type { Turn } from '../turns/turn';
import type { Transcriber } from './conversation';
import { SpeculativeTurn, spanOf, type SpeculationAction, type SpeculationFigures, type SpeculationInput } from './speculativeTurn';

export type TranscriptResult = Awaited<ReturnType<Transcriber['transcribe']>>;

/** The work a speculation runs: in the page the model workers, in Node the engines themselves. */
export interface SpeculationPorts {
  transcribe(turn: Turn, signal: AbortSignal): Promise<TranscriptResult>;
  /** Prefills the prompt that this turn, with this transcript, gives the dialogue as it is now; null: no prompt. */
  prefill(turn: Turn, transcript: string, signal: AbortSignal): Promise<{ prefilledTokens: number } | null>;
  /** The clock of every figure, in ms. */
  now(): number;
}

interface Work {
  turn: Turn;
  controller: AbortController;
  prefillController: AbortController | null;
  transcript: Promise<TranscriptResult>;
  figures: Promise<SpeculationFigures | null>;
  settleFigures(figures: SpeculationFigures | null): void;
}

/** A committed speculation: the turn's transcript (ready or in flight) and, once its work is over, its figures. */
export interface CommittedSpeculation {
  transcript: Promise<TranscriptResult>;
  figures: Promise<SpeculationFigures | null>;
}

/**
 * Runs SpeculativeTurn's decisions: starts and aborts the speculative transcription and prefill, and hands a confirmed
 * turn its speculative transcript. Shared by the page (worker clients as ports) and Node benchmarks (engines as ports).
 */
export class SpeculativeTurns {
  private readonly machine = new SpeculativeTurn();
  private readonly work = new Map<number, Work>();
  /** Committed transcripts by the turn's PCM, which the conversation hands its transcriber unchanged. */
  private readonly committed = new WeakMap<Float32Array, Promise<TranscriptResult>>();

  constructor(private readonly ports: SpeculationPorts) {}

  /** A pause ended the speech: transcribe the turn so far, then prefill on it. */
  tentative(turn: Turn): void {
    this.run({ type: 'tentative', span: spanOf(turn), atMs: this.ports.now() }, turn);
  }

  /** Speech came back: what was started on the tentative turn is cancelled and discarded. */
  resumed(): void {
    this.run({ type: 'resumed', atMs: this.ports.now() });
  }

  /** The dialogue before the open turn changed (a reply was cut off): a speculative prefill runs again. */
  bargeIn(): void {
    this.run({ type: 'bargeIn', atMs: this.ports.now() });
  }

  reset(): void {
    this.run({ type: 'reset' });
  }

  /** The turn ended: its speculation when it was speculated (the transcriber then reuses its transcript), else null. */
  confirm(turn: Turn): CommittedSpeculation | null {
    // Read at the commit: the figures of work already done follow in the same step and let the work go.
    let committed: CommittedSpeculation | null = null;
    this.run({ type: 'confirmed', span: spanOf(turn), atMs: this.ports.now() }, turn, (work) => (committed = { transcript: work.transcript, figures: work.figures }));
    if (committed) this.committed.set(turn.pcm16k, (committed as CommittedSpeculation).transcript);
    return committed;
  }

  /** `base`, except for a committed turn's audio: its speculative transcript, or `base` again if that failed. */
  transcriber(base: Transcriber): Transcriber {
    return {
      transcribe: (audio, signal) => {
        const speculative = this.committed.get(audio.pcm16k);
        if (!speculative) return base.transcribe(audio, signal);
        this.committed.delete(audio.pcm16k);
        return speculative.catch(() => base.transcribe(audio, signal));
      },
    };
  }

  private run(input: SpeculationInput, turn?: Turn, onCommit?: (work: Work) => void): void {
    for (const action of this.machine.handle(input)) this.perform(action, turn, onCommit);
  }

  private perform(action: SpeculationAction, turn: Turn | undefined, onCommit: ((work: Work) => void) | undefined): void {
    switch (action.type) {
      case 'transcribe':
        if (turn) this.startTranscript(action.id, turn);
        return;
      case 'prefill':
        this.startPrefill(action.id, action.attempt, action.transcript);
        return;
      case 'cancel': {
        const work = this.work.get(action.id);
        if (!work) return;
        work.prefillController?.abort();
        if (action.work === 'prefill') return;
        work.controller.abort();
        work.settleFigures(null);
        this.work.delete(action.id);
        return;
      }
      case 'commit': {
        const work = this.work.get(action.id);
        if (work) onCommit?.(work);
        return;
      }
      case 'figures':
        this.work.get(action.id)?.settleFigures(action.figures);
        this.work.delete(action.id);
        return;
    }
  }

  private startTranscript(id: number, turn: Turn): void {
    const controller = new AbortController();
    const transcript = this.ports.transcribe(turn, controller.signal);
    let settleFigures: (figures: SpeculationFigures | null) => void = () => undefined;
    const figures = new Promise<SpeculationFigures | null>((resolve) => (settleFigures = resolve));
    this.work.set(id, { turn, controller, prefillController: null, transcript, figures, settleFigures });
    transcript.then(
      (result) => this.run({ type: 'transcribed', id, transcript: result.text, atMs: this.ports.now() }),
      () => {
        this.work.get(id)?.settleFigures(null);
        this.work.delete(id);
        this.run({ type: 'transcribeFailed', id });
      },
    );
  }

  private startPrefill(id: number, attempt: number, transcript: string): void {
    const work = this.work.get(id);
    if (!work) return;
    const controller = new AbortController();
    work.prefillController = controller;
    this.ports.prefill(work.turn, transcript, controller.signal).then(
      (result) => this.run({ type: 'prefilled', id, attempt, prefilledTokens: result?.prefilledTokens ?? null, atMs: this.ports.now() }),
      () => this.run({ type: 'prefillFailed', id, attempt, atMs: this.ports.now() }),
    );
  }
}

/**
 * For Node, where a recording is listened to faster than real time: one turn's end as a live listener lives it. The
 * tentative turn (null if the turn had no pause, e.g. a 30 s split) starts the speculation, `waitMs` of real time pass (the
 * rest of the end-of-turn wait: endSilenceMs - pauseSilenceMs of audio), then the turn is confirmed. Hand the turn to a
 * Conversation whose transcriber is `speculation.transcriber(...)` next; the figures say what the wait hid.
 */
export async function replayTurnEnd(speculation: SpeculativeTurns, tentative: Turn | null, turn: Turn, waitMs: number): Promise<CommittedSpeculation | null> {
  if (tentative) speculation.tentative(tentative);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return speculation.confirm(turn);
}
