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

export interface CaptureOptions {
  processing: MicProcessing;
  nMels: 80 | 128;
  /** Frames per batch the worklet posts; 3 frames = 30 ms keeps the meter near 33 Hz. */
  batchFrames: number;
  /** Receives the worklet's feature batches directly (a worker's port), bypassing the main thread. */
  batchPort: MessagePort;
  /** The track ended (unplugged, revoked) while capturing. */
  onLost(failure: MicFailure): void;
}

export interface Capture {
  inputRateHz: number;
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

/** Opens the microphone and runs the features worklet on it; the worklet posts to `batchPort`. */
export async function startCapture(options: CaptureOptions): Promise<Capture> {
  if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === 'undefined') {
    throw new CaptureError(micUnsupportedFailure());
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { ...options.processing, channelCount: 1 } });
  } catch (error) {
    throw new CaptureError(describeMicError(error));
  }
  const context = new AudioContext({ latencyHint: 'interactive' });
  try {
    await context.audioWorklet.addModule(featuresWorkletUrl);
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
    await context.resume();
    let stopped = false;
    for (const track of stream.getAudioTracks()) {
      track.addEventListener('ended', () => {
        if (!stopped) options.onLost(micLostFailure());
      });
    }
    return {
      inputRateHz: context.sampleRate,
      async resume() {
        if (!stopped && context.state !== 'running') await context.resume();
      },
      async stop() {
        stopped = true;
        source.disconnect();
        stream.getTracks().forEach((track) => track.stop());
        await context.close();
      },
    };
  } catch (error) {
    stream.getTracks().forEach((track) => track.stop());
    await context.close();
    throw error instanceof CaptureError ? error : new CaptureError(describeMicError(error));
  }
}
