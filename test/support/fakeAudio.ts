// The microphone and the speaker of a Node test. The microphone runs the page's own feature pipeline (what the
// AudioWorklet runs) over PCM the test gives it; the speaker plays each chunk the moment the test lets it.
import type { Capture, CaptureOptions } from '../../src/audio/capture';
import type { FeatureBatch } from '../../src/audio/featureBatch';
import { FeaturePipeline } from '../../src/audio/featurePipeline';
import type { OutputCapture, PlaybackProgress, Player, PlayerState } from '../../src/audio/playback';
import type { AudioPorts } from '../../src/assistant/ports';

/** The worklet's render quantum: the pipeline is fed as the browser would feed it. */
const RENDER_QUANTUM_SAMPLES = 128;

export class FakeMicrophone {
  private pipeline: FeaturePipeline | null = null;
  private port: MessagePort | null = null;

  constructor(readonly inputRateHz: number) {}

  start(options: CaptureOptions): Capture {
    const port = options.batchPort;
    this.port = port;
    // The pipeline's arrays are views reused per batch: each one travels as a copy, as postMessage would make.
    this.pipeline = new FeaturePipeline({
      inputRateHz: this.inputRateHz,
      nMels: options.nMels,
      batchFrames: options.batchFrames,
      onBatch: (batch: FeatureBatch) => port.postMessage({ ...batch, pcm16k: batch.pcm16k.slice(), logMel: batch.logMel.slice(), energy: batch.energy.slice() }),
    });
    return {
      inputRateHz: this.inputRateHz,
      echoCancellation: 'on',
      resume: async () => undefined,
      stop: async () => {
        this.pipeline?.flush();
        this.pipeline = null;
        this.port = null;
      },
    };
  }

  /** What the microphone hears next, at its own rate. */
  hear(samples: Float32Array): void {
    const pipeline = this.pipeline;
    if (!pipeline || !this.port) throw new Error('the microphone is not open: press Talk first');
    for (let start = 0; start < samples.length; start += RENDER_QUANTUM_SAMPLES) pipeline.push(samples.subarray(start, start + RENDER_QUANTUM_SAMPLES));
  }
}

type Listener<T extends unknown[]> = (...args: T) => void;

/** A speaker that plays everything queued at once (`autoPlay`), or block by block as a test's room steps it. */
export class FakePlayer implements Player {
  readonly outputRateHz = 24000;
  state: PlayerState = 'running';
  autoPlay = true;
  /** Chunks queued and not yet played. */
  readonly queued: { chunkId: number; pcm24k: Float32Array }[] = [];
  /** Every chunk played, in order. */
  readonly played: { chunkId: number; pcm24k: Float32Array }[] = [];
  readonly ducks: boolean[] = [];
  stops = 0;
  /** The listen worker's echo-gate reference: what the speaker plays, as the player worklet reports it. */
  private reference: MessagePort | null = null;
  /** Samples of the front chunk already played in stepped playback. */
  private playedOfFront = 0;
  private readonly progress = new Set<Listener<[PlaybackProgress]>>();
  private readonly drained = new Set<Listener<[]>>();
  private readonly stateChanges = new Set<Listener<[PlayerState]>>();

  enqueue(pcm24k: Float32Array, chunkId: number): void {
    this.queued.push({ chunkId, pcm24k });
    if (this.autoPlay) queueMicrotask(() => this.play());
  }

  /** Plays everything queued: a progress report at each chunk's start, then the queue runs dry. */
  play(): void {
    if (this.queued.length === 0) return;
    for (const chunk of this.queued.splice(0)) {
      this.played.push(chunk);
      this.reportProgress(chunk.chunkId, 0);
    }
    this.playedOfFront = 0;
    for (const listener of this.drained) listener();
  }

  /** Plays the next `samples` (24 kHz) of the queue, or silence where it runs dry, and reports them to the echo gate. */
  step(samples: number): void {
    const out = new Float32Array(samples);
    let filled = 0;
    while (filled < samples && this.queued.length > 0) {
      const front = this.queued[0]!;
      if (this.playedOfFront === 0) this.reportProgress(front.chunkId, 0);
      const take = Math.min(samples - filled, front.pcm24k.length - this.playedOfFront);
      out.set(front.pcm24k.subarray(this.playedOfFront, this.playedOfFront + take), filled);
      filled += take;
      this.playedOfFront += take;
      if (this.playedOfFront === front.pcm24k.length) {
        this.played.push(this.queued.shift()!);
        this.playedOfFront = 0;
        if (this.queued.length === 0) for (const listener of this.drained) listener();
      }
    }
    this.reference?.postMessage({ pcm: out, sampleRateHz: this.outputRateHz });
  }

  private reportProgress(chunkId: number, playedSamples: number): void {
    for (const listener of this.progress) listener({ chunkId, levelDb: -20, playedSamples });
  }

  async stop(): Promise<void> {
    this.stops++;
    this.queued.length = 0;
    this.playedOfFront = 0;
  }

  duck(ducked: boolean): void {
    this.ducks.push(ducked);
  }

  connectReference(port: MessagePort | null): void {
    this.reference?.close();
    this.reference = port;
  }

  outputStream(): MediaStream {
    throw new Error('a Node test has no MediaStream');
  }

  onProgress(listener: Listener<[PlaybackProgress]>): () => void {
    this.progress.add(listener);
    return () => this.progress.delete(listener);
  }

  onDrained(listener: Listener<[]>): () => void {
    this.drained.add(listener);
    return () => this.drained.delete(listener);
  }

  onRejected(): () => void {
    return () => undefined;
  }

  onStateChange(listener: Listener<[PlayerState]>): () => void {
    this.stateChanges.add(listener);
    return () => this.stateChanges.delete(listener);
  }

  async resume(): Promise<void> {
    this.state = 'running';
    for (const listener of this.stateChanges) listener(this.state);
  }

  captureOutput(): OutputCapture {
    throw new Error('the fake player keeps what it played in `played`');
  }

  async close(): Promise<void> {
    this.queued.length = 0;
    this.reference?.close();
    this.reference = null;
  }
}

export function fakeAudio(microphone: FakeMicrophone, player: FakePlayer): AudioPorts {
  return {
    prepareCapture: () => undefined,
    startCapture: async (options) => microphone.start(options),
    createPlayer: async () => player,
  };
}

/** Where the test's speaker and microphone share the air: headphones, so the microphone hears only the user. */
export class Room {
  /** 32 ms: the player worklet's reference batch. */
  static readonly STEP_MS = 32;

  constructor(
    private readonly player: FakePlayer,
    private readonly microphone: FakeMicrophone,
  ) {}

  /**
   * Runs `ms` of time in 32 ms steps: the speaker plays its queue, the microphone hears `user` (from its start, at the
   * microphone's rate; silence after it); each step waits a moment so the workers keep up.
   */
  async run(ms: number, user: Float32Array = new Float32Array(0)): Promise<void> {
    const micRateHz = this.microphone.inputRateHz;
    const steps = Math.ceil(ms / Room.STEP_MS);
    const micStep = Math.round((micRateHz * Room.STEP_MS) / 1000);
    for (let step = 0; step < steps; step++) {
      this.player.step(Math.round((this.player.outputRateHz * Room.STEP_MS) / 1000));
      const heard = new Float32Array(micStep);
      heard.set(user.subarray(step * micStep, (step + 1) * micStep));
      this.microphone.hear(heard);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}
