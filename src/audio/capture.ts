import featuresWorkletUrl from './worklets/features.worklet.ts?worker&url';
import { describeMicError, micLostFailure, micUnsupportedFailure, type MicFailure } from './micErrors';

/** Input processing the browser may apply; ES4R needs gain control off to keep the energy trajectory. */
export interface MicProcessing {
  echoCancellation: boolean;
  autoGainControl: boolean;
  noiseSuppression: boolean;
}

export const DEFAULT_MIC_PROCESSING: MicProcessing = {
  echoCancellation: true,
  autoGainControl: false,
  noiseSuppression: false,
};

/**
 * Which echo cancellation the browser applied: 'all' removes the page's own output too (the 2025 Media Capture
 * value), 'remote-only' and 'on' (a browser that knows only true) remove at most audio from peer connections,
 * which Chromium's canceller has long been limited to; 'off' none.
 */
export type EchoCancellationMode = 'all' | 'remote-only' | 'on' | 'off';

/** The test hook's loopback: the player's output, delayed and attenuated, mixed into what the features worklet hears. */
export interface EchoLoopback {
  stream: MediaStream;
  delayMs: number;
  gainDb: number;
}

export interface CaptureOptions {
  processing: MicProcessing;
  nMels: 80 | 128;
  /** Frames per batch the worklet posts; 3 frames = 30 ms keeps the meter near 33 Hz. */
  batchFrames: number;
  /** Receives the worklet's feature batches directly (a worker's port), bypassing the main thread. */
  batchPort: MessagePort;
  /** The track ended (unplugged, revoked) while capturing. */
  onLost(failure: MicFailure): void;
  /** Tests only (the page's test handle sets it): feeds the voice back into the capture path. */
  echoLoopback?: EchoLoopback | null;
}

export interface Capture {
  inputRateHz: number;
  echoCancellation: EchoCancellationMode;
  /** Runs the audio graph again if the browser suspended it (a background tab, an interruption). */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export class CaptureError extends Error {
  constructor(readonly failure: MicFailure) {
    super(failure.message);
    this.name = 'CaptureError';
  }
}

/** The page's capture context with the features worklet loaded, suspended while no capture runs: opened once, ahead of Talk. */
let featuresContext: Promise<AudioContext> | null = null;

function openFeaturesContext(): Promise<AudioContext> {
  featuresContext ??= (async () => {
    const context = new AudioContext({ latencyHint: 'interactive' });
    try {
      await context.audioWorklet.addModule(featuresWorkletUrl);
      // Created before any gesture it may be running already (autoplay allowed): no audio thread work until a capture.
      await context.suspend();
      return context;
    } catch (error) {
      featuresContext = null;
      await context.close().catch(() => undefined);
      throw error;
    }
  })();
  return featuresContext;
}

/**
 * Creates the capture's AudioContext and loads the features worklet into it before Talk is pressed, so a press only
 * opens the microphone (the worklet thread's start and the module's load take 50-200 ms on a busy 2-core machine).
 */
export function prepareCapture(): void {
  if (typeof AudioWorkletNode === 'undefined') return;
  openFeaturesContext().catch(() => undefined);
}

/** Opens the microphone and runs the features worklet on it (in the prepared context); the worklet posts to `batchPort`. */
export async function startCapture(options: CaptureOptions): Promise<Capture> {
  if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === 'undefined') {
    throw new CaptureError(micUnsupportedFailure());
  }
  let stream: MediaStream;
  try {
    stream = await openMicrophone(options.processing);
  } catch (error) {
    throw new CaptureError(describeMicError(error));
  }
  try {
    const context = await openFeaturesContext();
    const source = context.createMediaStreamSource(stream);
    // No outputs: the node is a sink that Chrome still pulls, so nothing reaches the speakers.
    const node = new AudioWorkletNode(context, 'features', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions: { inputRateHz: context.sampleRate, nMels: options.nMels, batchFrames: options.batchFrames },
    });
    node.port.postMessage({ type: 'connect', port: options.batchPort }, [options.batchPort]);
    source.connect(node);
    const loopback = options.echoLoopback ? connectLoopback(context, options.echoLoopback, node) : null;
    await context.resume();
    let stopped = false;
    for (const track of stream.getAudioTracks()) {
      track.addEventListener('ended', () => {
        if (!stopped) options.onLost(micLostFailure());
      });
    }
    return {
      inputRateHz: context.sampleRate,
      echoCancellation: echoCancellationOf(stream),
      async resume() {
        if (!stopped && context.state !== 'running') await context.resume();
      },
      async stop() {
        stopped = true;
        source.disconnect();
        loopback?.disconnect();
        node.port.postMessage({ type: 'stop' });
        stream.getTracks().forEach((track) => track.stop());
        // Suspended, not closed: the next capture starts in it without loading the worklet again.
        await context.suspend();
      },
    };
  } catch (error) {
    stream.getTracks().forEach((track) => track.stop());
    throw error instanceof CaptureError ? error : new CaptureError(describeMicError(error));
  }
}

/** Asks for echo cancellation of everything the page plays ('all') where echo cancellation is wanted; a browser that refuses the value gets true. */
async function openMicrophone(processing: MicProcessing): Promise<MediaStream> {
  const audio = { ...processing, channelCount: 1 };
  if (!processing.echoCancellation) return navigator.mediaDevices.getUserMedia({ audio });
  // Browsers that know only booleans read the string as true; a stricter one may throw a TypeError instead.
  const all = { ...audio, echoCancellation: 'all' } as unknown as MediaTrackConstraints;
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: all });
  } catch (error) {
    if (error instanceof TypeError || (error as Error).name === 'OverconstrainedError') return navigator.mediaDevices.getUserMedia({ audio });
    throw error;
  }
}

function echoCancellationOf(stream: MediaStream): EchoCancellationMode {
  const applied = (stream.getAudioTracks()[0]?.getSettings() as { echoCancellation?: boolean | string } | undefined)?.echoCancellation;
  if (applied === 'all' || applied === 'remote-only') return applied;
  return applied === true ? 'on' : 'off';
}

/** The loopback's graph in the capture context: stream -> delay -> gain -> the features worklet, beside the microphone. */
function connectLoopback(context: AudioContext, { stream, delayMs, gainDb }: EchoLoopback, node: AudioNode): { disconnect(): void } {
  const source = context.createMediaStreamSource(stream);
  const delay = context.createDelay(1);
  delay.delayTime.value = delayMs / 1000;
  const gain = context.createGain();
  gain.gain.value = 10 ** (gainDb / 20);
  source.connect(delay).connect(gain).connect(node);
  return { disconnect: () => source.disconnect() };
}
