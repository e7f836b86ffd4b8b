import { CENTER_PAD_SAMPLES, HOP_SAMPLES, SAMPLE_RATE_HZ } from '../../audio/dsp/constants';
import type { FeatureBatch } from '../../audio/featureBatch';
import type { VoiceActivityDetector } from '../../models/vad/vadContract';
import { ListenEngine, type ListenEvent } from '../listenEngine';
import type { SegmenterConfig } from '../segmenter';
import { BargeInMachine, type BargeInConfig, type BargeInEvent, type BargeInFrame } from './bargeInMachine';
import { EchoGate, type EchoGateConfig } from './echoGate';

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
}

/** A frame's window reaches this many samples past its centre: it is known once they have arrived. */
const FRAME_LOOKAHEAD_SAMPLES = CENTER_PAD_SAMPLES + 1;
const msOfSample = (sample: number): number => (sample * 1000) / SAMPLE_RATE_HZ;

/** A judged frame waiting to be fed to the machine in the order it became known. */
interface QueuedFrame extends BargeInFrame {
  knownAtSample: number;
}

/**
 * The listen engine with the echo gate and the barge-in machine beside it: each microphone frame is judged
 * against the reference (what the app played); the machine hears frames and VAD chunks in the order they became
 * known, so a duck waits for no VAD chunk; a confirmed barge-in moves the open turn's start to the user's onset,
 * and turns the user never confirmed during playback are dropped as echo. Events from the machine carry the end of
 * the batch that decided them: the moment a live listener, fed batch by batch, could act. The page's listen worker
 * and the Node tools run this same class. Calls must not overlap.
 */
export class BargeInListener {
  readonly gate: EchoGate;
  private readonly engine: ListenEngine;
  private readonly machine: BargeInMachine;
  private readonly nMels: number;
  private readonly frames: QueuedFrame[] = [];
  private frameEnd = 0;
  /** The open turn heard playback / held a confirmed onset. */
  private turnHeardPlayback = false;
  private turnConfirmed = false;
  private turnOpen = false;

  constructor({ vad, nMels, segmenter, gate, bargeIn }: BargeInListenerOptions) {
    this.engine = new ListenEngine({ vad, nMels, segmenter });
    const { onsetThreshold, offsetThreshold } = { onsetThreshold: 0.5, offsetThreshold: 0.35, ...segmenter };
    this.machine = new BargeInMachine({ onsetThreshold, offsetThreshold, ...bargeIn });
    this.gate = new EchoGate(gate);
    this.nMels = nMels;
  }

  /** Microphone frames judged so far: where the reference stream's newest frame belongs on arrival. */
  get microphoneFrames(): number {
    return this.frameEnd;
  }

  /** Reference frames (log10 power mel of what played) at microphone frame `firstFrame`. */
  writeReference(firstFrame: number, logMel: Float32Array): void {
    this.gate.writeReference(firstFrame, logMel, this.nMels);
  }

  async push(batch: FeatureBatch): Promise<BargeInListenEvent[]> {
    for (let i = 0; i < batch.energy.length; i++) {
      const frame = batch.firstFrame + i;
      const { playing, userLike } = this.gate.judge(frame, batch.logMel, i * this.nMels, this.nMels);
      this.frames.push({ centreMs: msOfSample(frame * HOP_SAMPLES), playing, userLike, knownAtSample: frame * HOP_SAMPLES + FRAME_LOOKAHEAD_SAMPLES });
      this.frameEnd = frame + 1;
    }
    const events = await this.engine.push(batch);
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
