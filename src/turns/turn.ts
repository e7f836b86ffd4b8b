/** Why a turn was closed. */
export type TurnEndReason = 'silence' | 'maxLength' | 'endOfStream' | 'inputLost';

/** One finished user turn, as the rest of the pipeline (ASR, affect) consumes it. */
export interface Turn {
  /** 0-based order in the dialogue. */
  index: number;
  /** Speech onset and offset detected by the VAD, without padding, in ms since the stream started. */
  startMs: number;
  endMs: number;
  /** The span actually kept (onset minus pre-speech padding .. offset), in ms since the stream started. */
  paddedStartMs: number;
  paddedEndMs: number;
  /** 16 kHz mono PCM of the padded span. */
  pcm16k: Float32Array;
  /** Mel bins per frame (80 or 128). */
  nMels: number;
  /** Frames of the padded span. */
  frameCount: number;
  /** Whisper-normalised log-mel of the padded span, row-major [nMels x frameCount] (Whisper's layout). */
  logMel: Float32Array;
  /** Frame energy e_t of the padded span (power units). */
  energy: Float32Array;
  /** 1 where the frame lies inside the detected speech (onset..offset), else 0. */
  speechFrames: Uint8Array;
  /** Turn energy e_k = mean of e_t over speech frames, and 10 log10(e_k). */
  energyMean: number;
  energyDb: number;
  endReason: TurnEndReason;
  /** When the end was decided: the stream position of the VAD chunk that closed the turn, in ms since the stream started. */
  decidedAtMs: number;
}
