/** Sample rate of everything downstream of the resampler (Whisper's rate). */
export const SAMPLE_RATE_HZ = 16000;
/** FFT length and analysis window length: 25 ms at 16 kHz. */
export const N_FFT = 400;
/** Analysis window length in samples (equal to the FFT length for Whisper). */
export const WINDOW_SAMPLES = N_FFT;
/** Hop between frames: 10 ms at 16 kHz. */
export const HOP_SAMPLES = 160;
/** One-sided spectrum size: N_FFT / 2 + 1. */
export const N_FREQ_BINS = N_FFT / 2 + 1;
/** Frames per second of audio. */
export const FRAME_RATE_HZ = SAMPLE_RATE_HZ / HOP_SAMPLES;
/** Reflect padding before the first sample (center=True): frame i is centred on sample i * HOP_SAMPLES. */
export const CENTER_PAD_SAMPLES = N_FFT / 2;
/** Default mel bins (Whisper tiny..large-v2). */
export const N_MELS_DEFAULT = 80;
/** Mel bins of Whisper large-v3. */
export const N_MELS_LARGE_V3 = 128;
/** Lowest edge of the mel filterbank. */
export const MEL_MIN_HZ = 0;
/** Highest edge of the mel filterbank: the 16 kHz Nyquist. */
export const MEL_MAX_HZ = 8000;
/** Floor applied to power mel values before log10 (gives -10 for silence). */
export const LOG_MEL_FLOOR = 1e-10;
/** Whisper's dynamic range after log10: values below (max - 8) are clamped. */
export const LOG_MEL_DYNAMIC_RANGE = 8;
/** Whisper's input window: 30 s at 16 kHz. */
export const WHISPER_CHUNK_SAMPLES = 30 * SAMPLE_RATE_HZ;
/** Frames in Whisper's 30 s window. */
export const WHISPER_CHUNK_FRAMES = WHISPER_CHUNK_SAMPLES / HOP_SAMPLES;
/** Audio-thread block size of the Web Audio API. */
export const RENDER_QUANTUM_SAMPLES = 128;
