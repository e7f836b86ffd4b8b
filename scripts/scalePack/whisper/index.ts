// The scale packs' Whisper checkpoints: tiny (scale-lite) and base (scale-default).
import { WHISPER_BASE, WHISPER_TINY } from './architectures';
import { scaleWhisper } from './writeWhisper';

export { TRANSCRIPT_TEXT } from './transcript';
export const whisperTinyScale = scaleWhisper('scale/whisper-tiny', WHISPER_TINY);
export const whisperBaseScale = scaleWhisper('scale/whisper-base', WHISPER_BASE);
