/// <reference path="./audioWorkletGlobals.d.ts" />
import { PlayerCore } from '../playback/playerCore';

/** Messages the main thread sends to the player worklet; `pcm` is at the context rate and transferred. */
export type PlayerRequest =
  | { type: 'enqueue'; pcm: Float32Array; chunkId: number }
  | { type: 'stop' }
  | { type: 'duck'; ducked: boolean }
  /** Sends everything the player outputs to `port` (the listen worker's echo gate); null disconnects. */
  | { type: 'reference'; port: MessagePort | null }
  | { type: 'tapStart' }
  | { type: 'tapStop' };

/** Messages the player worklet posts; `playedSamples` are at the context rate. */
export type PlayerReply =
  | { type: 'progress'; chunkId: number; playedSamples: number; levelDb: number }
  | { type: 'drained' }
  | { type: 'stopped' }
  | { type: 'rejected'; chunkId: number }
  | { type: 'tapData'; pcm: Float32Array }
  | { type: 'tapEnd' };

/** Progress (meter, highlight) rate: enough for a smooth meter, cheap for the main thread. */
const PROGRESS_RATE_HZ = 30;
/** What the reference port receives: the output at the context rate, about 32 ms per message. */
export interface ReferenceBlock {
  pcm: Float32Array;
  sampleRateHz: number;
}
/** Reference batch in render quanta: 6 x 128 = 32 ms at 24 kHz, about 31 messages a second. */
const REFERENCE_BLOCKS = 6;
/** Test tap batch: ~85 ms at 48 kHz, so the tap posts ~12 messages a second. */
const TAP_BATCH_SAMPLES = 4096;

/** Thin shell on the audio thread: PlayerCore renders into the output; posts are throttled. */
class PlayerProcessor extends AudioWorkletProcessor {
  private readonly core = new PlayerCore({ outputRateHz: sampleRate });
  private readonly blocksPerProgress = Math.max(1, Math.ceil(sampleRate / 128 / PROGRESS_RATE_HZ));
  private blocksSinceProgress = 0;
  /** Test-only copy of the output, allocated when a tap starts. */
  private tap: Float32Array | null = null;
  private tapLength = 0;
  private referencePort: MessagePort | null = null;
  private readonly reference = new Float32Array(REFERENCE_BLOCKS * 128);
  private referenceLength = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    this.port.onmessage = (event: MessageEvent<PlayerRequest>) => this.handle(event.data);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0]?.[0];
    if (!out) return true;
    this.core.render(out);
    if (this.tap) this.record(out);
    if (this.referencePort) this.sendReference(out);
    this.postEvent();
    this.blocksSinceProgress++;
    if (this.blocksSinceProgress >= this.blocksPerProgress && this.core.playingChunkId >= 0) {
      this.blocksSinceProgress = 0;
      this.post({ type: 'progress', chunkId: this.core.playingChunkId, playedSamples: this.core.playedSamplesOfChunk, levelDb: this.core.levelDb });
    }
    return true;
  }

  private handle(request: PlayerRequest): void {
    switch (request.type) {
      case 'enqueue':
        if (!this.core.enqueue(request.pcm, request.chunkId)) this.post({ type: 'rejected', chunkId: request.chunkId });
        return;
      case 'stop':
        this.core.stop();
        this.postEvent();
        return;
      case 'duck':
        this.core.setDucked(request.ducked);
        return;
      case 'reference':
        this.referencePort?.close();
        this.referencePort = request.port;
        this.referenceLength = 0;
        return;
      case 'tapStart':
        this.tap = new Float32Array(TAP_BATCH_SAMPLES);
        this.tapLength = 0;
        return;
      case 'tapStop':
        this.flushTap();
        this.tap = null;
        this.post({ type: 'tapEnd' });
        return;
    }
  }

  private postEvent(): void {
    const event = this.core.takeEvent();
    if (event) this.post({ type: event });
  }

  private record(block: Float32Array): void {
    if (!this.tap) return;
    if (this.tapLength + block.length > this.tap.length) this.flushTap();
    this.tap.set(block, this.tapLength);
    this.tapLength += block.length;
  }

  /** Silence is sent too: the gate places the reference by its continuity. */
  private sendReference(block: Float32Array): void {
    this.reference.set(block, this.referenceLength);
    this.referenceLength += block.length;
    if (this.referenceLength + block.length <= this.reference.length) return;
    const pcm = this.reference.slice(0, this.referenceLength);
    this.referenceLength = 0;
    this.referencePort!.postMessage({ pcm, sampleRateHz: sampleRate } satisfies ReferenceBlock, [pcm.buffer]);
  }

  private flushTap(): void {
    if (!this.tap || this.tapLength === 0) return;
    const pcm = this.tap.slice(0, this.tapLength);
    this.tapLength = 0;
    this.port.postMessage({ type: 'tapData', pcm } satisfies PlayerReply, [pcm.buffer]);
  }

  private post(reply: PlayerReply): void {
    this.port.postMessage(reply);
  }
}

registerProcessor('player', PlayerProcessor);
