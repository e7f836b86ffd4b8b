import { CENTER_PAD_SAMPLES, HOP_SAMPLES, SAMPLE_RATE_HZ } from '../../audio/dsp/constants';
import type { FeatureBatch } from '../../audio/featureBatch';
import type { VoiceActivityDetector } from '../../models/vad/vadContract';
import { ListenEngine, type ListenEvent } from '../listenEngine';
import type { SegmenterConfig } from '../segmenter';
import { BargeInMachine, type BargeInConfig, type BargeInEvent, type BargeInFrame } from './bargeInMachine';
import type { EchoCancellerConfig } from './echoCanceller';
import { EchoGate, type EchoGateConfig } from './echoGate';
import { ResidualStream } from './residualStream';

/** What listening reports once the assistant's own voice is accounted for. */
export type BargeInListenEvent =
  | ListenEvent
  | BargeInEvent
  /** A turn heard while the voice played, never confirmed as the user: the assistant's own echo, dropped. */
  | { type: 'echo'; onsetMs: number; offsetMs: number };

export interface BargeInListenerOptions {
  vad: VoiceActivityDetector;
  nMels: number;
  segmenter?: Partial<SegmenterConfig>;
  gate?: Partial<EchoGateConfig>;
  bargeIn?: Partial<BargeInConfig>;
  canceller?: Partial<EchoCancellerConfig>;
}

/** A frame's window reaches this many samples past its centre: it is known once they have arrived. */
const FRAME_LOOKAHEAD_SAMPLES = CENTER_PAD_SAMPLES + 1;
const msOfSample = (sample: number): number => (sample * 1000) / SAMPLE_RATE_HZ;

/** A judged frame waiting to be fed to the machine in the order it became known. */
interface QueuedFrame extends BargeInFrame {
  knownAtSample: number;
}

/**
 * The listen engine with an echo canceller before it and the echo gate and the barge-in machine beside it: the
 * canceller removes what it can of the reference (what the app played) from the microphone's PCM, the VAD and the
 * turns hear what is left, and each frame of it is judged against the reference by the gate (which finds the delay,
 * for itself and the canceller, on the microphone as heard); the machine hears frames and VAD chunks in the order they became
 * known, so a duck waits for no VAD chunk; a confirmed barge-in moves the open turn's start to the user's onset,
 * and turns the user never confirmed during playback are dropped as echo. Events from the machine carry the end of
 * the batch that decided them: the moment a live listener, fed batch by batch, could act. The page's listen worker
 * and the Node tools run this same class. Calls must not overlap.
 */
export class BargeInListener {
  readonly gate: EchoGate;
  readonly residual: ResidualStream;
  private readonly engine: ListenEngine;
  private readonly machine: BargeInMachine;
  private readonly nMels: number;
  private readonly frames: QueuedFrame[] = [];
  private frameEnd = 0;
  /** The open turn heard playback / held a confirmed onset. */
  private turnHeardPlayback = false;
  private turnConfirmed = false;
  private turnOpen = false;
  /** The newest frame judged was the user's: with a duck or a confirmed user, the canceller stops learning. */
  private lastUserLike = false;

  constructor({ vad, nMels, segmenter, gate, bargeIn, canceller }: BargeInListenerOptions) {
    this.engine = new ListenEngine({ vad, nMels, segmenter });
    const { onsetThreshold, offsetThreshold } = { onsetThreshold: 0.5, offsetThreshold: 0.35, ...segmenter };
    this.machine = new BargeInMachine({ onsetThreshold, offsetThreshold, ...bargeIn });
    this.gate = new EchoGate(gate);
    this.residual = new ResidualStream(nMels, canceller);
    this.nMels = nMels;
  }

  /** Microphone frames judged so far: where the reference stream's newest frame belongs on arrival. */
  get microphoneFrames(): number {
    return this.frameEnd;
  }

  /** What played, as the reference stream placed it: log-mel frames for the gate, 16 kHz PCM for the canceller. */
  writeReference(placed: FeatureBatch): void {
    this.gate.writeReference(placed.firstFrame, placed.logMel, this.nMels);
    this.residual.writeReference(placed.firstSample, placed.pcm16k);
  }

  async push(batch: FeatureBatch): Promise<BargeInListenEvent[]> {
    const delayMs = this.gate.path.delayMs;
    this.residual.canceller.setDelay(delayMs === null ? null : (delayMs * SAMPLE_RATE_HZ) / 1000);
    const residual = this.residual.cancel(batch, this.lastUserLike || this.machine.ducked || this.machine.confirmed);
    const estimate = !this.residual.canceller.delayKnown ? null : this.residual.estimateLogMel;
    for (let i = 0; i < batch.energy.length; i++) {
      const frame = batch.firstFrame + i;
      const at = i * this.nMels;
      const { playing, userLike, clearlyUser, oneBandUser } = this.gate.judge(frame, batch.logMel, at, this.nMels, residual.logMel, at, estimate);
      // Only two bands over the echo stop the canceller's learning at once: one band alone does so once it has ducked.
      this.lastUserLike = userLike;
      // A frame ducks by the gate's margin (in two bands, or in one by a larger one) and counts toward confirmation only by its confirm margins.
      this.frames.push({ centreMs: msOfSample(frame * HOP_SAMPLES), playing, userLike: userLike || oneBandUser, confirmable: clearlyUser, knownAtSample: frame * HOP_SAMPLES + FRAME_LOOKAHEAD_SAMPLES });
      this.frameEnd = frame + 1;
    }
    const events = await this.engine.push(residual);
    return this.follow(events, msOfSample(batch.firstSample + batch.pcm16k.length));
  }

  async flush(): Promise<BargeInListenEvent[]> {
    const events = this.follow(await this.engine.flush(), msOfSample(this.frameEnd * HOP_SAMPLES));
    return [...events, ...this.machine.reset(msOfSample(this.frameEnd * HOP_SAMPLES))];
  }

  inputLost(): BargeInListenEvent[] {
    return [...this.follow(this.engine.inputLost(), msOfSample(this.frameEnd * HOP_SAMPLES)), ...this.machine.reset(msOfSample(this.frameEnd * HOP_SAMPLES))];
  }

  /** Engine events in order, with the frames known before each VAD chunk fed ahead of it and the rest after. */
  private follow(events: readonly ListenEvent[], decidedAtMs: number): BargeInListenEvent[] {
    const out: BargeInListenEvent[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'vad':
          out.push(event, ...this.feedFrames((event.atMs * SAMPLE_RATE_HZ) / 1000, decidedAtMs));
          this.machine.pushChunk(event.probability);
          break;
        case 'speechStart':
          if (!event.continued) {
            this.turnHeardPlayback = false;
            this.turnConfirmed = this.machine.confirmed;
          }
          this.turnOpen = true;
          out.push(event);
          break;
        case 'misfire':
          this.turnOpen = false;
          out.push(event);
          break;
        case 'turn':
        case 'tentativeTurn':
          if (event.type === 'turn') this.turnOpen = false;
          if (this.turnHeardPlayback && !this.turnConfirmed) {
            if (event.type === 'turn') out.push({ type: 'echo', onsetMs: event.turn.startMs, offsetMs: event.turn.endMs });
          } else out.push(event);
          break;
        case 'speechResumed':
          out.push(event);
          break;
      }
    }
    out.push(...this.feedFrames(Number.POSITIVE_INFINITY, decidedAtMs));
    return out;
  }

  /** Feeds the machine the queued frames known by sample `untilSample`. */
  private feedFrames(untilSample: number, decidedAtMs: number): BargeInEvent[] {
    const out: BargeInEvent[] = [];
    let taken = 0;
    for (; taken < this.frames.length && this.frames[taken]!.knownAtSample <= untilSample; taken++) {
      const frame = this.frames[taken]!;
      if (this.turnOpen && frame.playing) this.turnHeardPlayback = true;
      for (const event of this.machine.pushFrame(frame, decidedAtMs)) {
        out.push(event);
        if (event.type !== 'confirmed') continue;
        this.turnConfirmed = true;
        if (event.playing) this.engine.moveTurnOnset(event.onsetMs);
      }
    }
    this.frames.splice(0, taken);
    return out;
  }
}
