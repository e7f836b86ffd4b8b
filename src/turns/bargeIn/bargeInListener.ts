import { HOP_SAMPLES, SAMPLE_RATE_HZ } from '../../audio/dsp/constants';
import type { FeatureBatch } from '../../audio/featureBatch';
import { VAD_CHUNK_SAMPLES, type VoiceActivityDetector } from '../../models/vad/vadContract';
import { ListenEngine, type ListenEvent } from '../listenEngine';
import type { SegmenterConfig } from '../segmenter';
import { BargeInMachine, type BargeInConfig, type BargeInEvent } from './bargeInMachine';
import { EchoGate, type EchoGateConfig, type FrameVerdict } from './echoGate';

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

/** Verdicts kept for the frames a VAD chunk spans (and the look-ahead between them). */
const VERDICT_HISTORY = 64;
const chunkMs = (VAD_CHUNK_SAMPLES * 1000) / SAMPLE_RATE_HZ;
const msOfFrame = (frame: number): number => (frame * HOP_SAMPLES * 1000) / SAMPLE_RATE_HZ;

/**
 * The listen engine with the echo gate and the barge-in machine beside it: each microphone frame is judged
 * against the reference (what the app played), each VAD chunk drives the machine, a confirmed barge-in moves
 * the open turn's start to the user's onset, and turns the user never confirmed during playback are dropped
 * as echo. The page's listen worker and the Node tools run this same class. Calls must not overlap.
 */
export class BargeInListener {
  readonly gate: EchoGate;
  private readonly engine: ListenEngine;
  private readonly machine: BargeInMachine;
  private readonly nMels: number;
  private readonly verdicts: FrameVerdict[] = [];
  private verdictEnd = 0;
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
    return this.verdictEnd;
  }

  /** Reference frames (log10 power mel of what played) at microphone frame `firstFrame`. */
  writeReference(firstFrame: number, logMel: Float32Array): void {
    this.gate.writeReference(firstFrame, logMel, this.nMels);
  }

  async push(batch: FeatureBatch): Promise<BargeInListenEvent[]> {
    const frames = batch.energy.length;
    for (let i = 0; i < frames; i++) {
      const frame = batch.firstFrame + i;
      this.verdicts[frame % VERDICT_HISTORY] = this.gate.judge(frame, batch.logMel, i * this.nMels, this.nMels);
      this.verdictEnd = frame + 1;
    }
    return this.follow(await this.engine.push(batch));
  }

  async flush(): Promise<BargeInListenEvent[]> {
    const events = this.follow(await this.engine.flush());
    return [...events, ...this.machine.reset(msOfFrame(this.verdictEnd))];
  }

  inputLost(): BargeInListenEvent[] {
    return [...this.follow(this.engine.inputLost()), ...this.machine.reset(msOfFrame(this.verdictEnd))];
  }

  private follow(events: readonly ListenEvent[]): BargeInListenEvent[] {
    const out: BargeInListenEvent[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'vad':
          out.push(event, ...this.chunkJudged(event.probability, event.atMs));
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
    return out;
  }

  private chunkJudged(probability: number, endMs: number): BargeInEvent[] {
    const startMs = endMs - chunkMs;
    const verdict = this.chunkVerdict(startMs, endMs);
    if (this.turnOpen && verdict.playing) this.turnHeardPlayback = true;
    const events = this.machine.push({ startMs, endMs, probability, ...verdict });
    for (const event of events) {
      if (event.type !== 'confirmed') continue;
      this.turnConfirmed = true;
      if (event.playing) this.engine.moveTurnOnset(event.onsetMs);
    }
    return events;
  }

  /** The chunk's frames (centres within it, as far as computed): playing if any is, the user's if most are. */
  private chunkVerdict(startMs: number, endMs: number): FrameVerdict {
    const framesPerMs = SAMPLE_RATE_HZ / 1000 / HOP_SAMPLES;
    const first = Math.max(Math.ceil(startMs * framesPerMs), this.verdictEnd - VERDICT_HISTORY + 1);
    const end = Math.min(Math.ceil(endMs * framesPerMs), this.verdictEnd);
    let playing = false;
    let userFrames = 0;
    for (let frame = first; frame < end; frame++) {
      const verdict = this.verdicts[frame % VERDICT_HISTORY]!;
      playing ||= verdict.playing;
      if (verdict.userLike) userFrames++;
    }
    return { playing, userLike: end > first && userFrames * 2 > end - first };
  }
}
