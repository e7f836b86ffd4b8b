import type { StateCreator } from 'zustand';
import { DEFAULT_MIC_PROCESSING, type MicProcessing } from '../audio/capture';
import { DEFAULT_TAU_DB } from '../conversation/strategy';
import type { DevicePreference } from '../models/device/chooseDevice';
import { ALL_CUES_ON, type CueSwitches } from '../conversation/affectCues';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_MAX_PROMPT_TOKENS } from '../conversation/conversation';
import type { AnswerPathSetting } from '../conversation/dialogue';

export interface Settings {
  /** Strategy threshold tau: |Delta_e| at or beyond it leaves neutral. */
  tauDb: number;
  /** Silence that ends a turn. */
  endSilenceMs: number;
  /** 80 mel bins, or 128 for Whisper large-v3. */
  nMels: 80 | 128;
  processing: MicProcessing;
  /** Run models on WebGPU where it works (auto), or force one device. */
  devicePreference: DevicePreference;
  /** The pack the user picked; null lets the page choose the best present one. */
  pack: string | null;
  /** Reply length cap; 128 is the ES4R release's default. */
  maxNewTokens: number;
  /** Prompt cap (the oldest turns leave first): bounds the time to first token and the language model's memory. */
  maxPromptTokens: number;
  /** Affect cues in the prompt at all (off = a plain ASR + LLM cascade), and each cue on its own. */
  affectCuesInPrompt: boolean;
  cues: CueSwitches;
  /** Which ES4R path answers: the transcript with cues (text), the user's speech itself (speech, needs an es4r component), or auto (speech where the pack has it). */
  answerPath: AnswerPathSetting;
  /** Speech-path ablations: dual-level affective attention before Whisper (off = raw log-mel), cross-attention over the text history (off = speech vectors straight to the LLM). */
  dualAttention: boolean;
  crossAttention: boolean;
  /** Speak in the voice preset of the strategy (comfort / encourage / neutral); off = always the neutral voice, no per-turn style. */
  empatheticVoice: boolean;
  /** Benchmarks only (bench:turn): every reply is the fixed reply, forced token by token, at most this many tokens, since random weights write noise; null in use. */
  benchmarkReplyTokens: number | null;
}


export interface SettingsSlice {
  settings: Settings;
}

export const DEFAULT_END_SILENCE_MS = 500;

export const DEFAULT_SETTINGS: Settings = { tauDb: DEFAULT_TAU_DB, endSilenceMs: DEFAULT_END_SILENCE_MS, nMels: 80, processing: DEFAULT_MIC_PROCESSING, devicePreference: 'auto', pack: null, maxNewTokens: DEFAULT_MAX_NEW_TOKENS, maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS, affectCuesInPrompt: true, cues: ALL_CUES_ON, answerPath: 'auto', dualAttention: true, crossAttention: true, empatheticVoice: true, benchmarkReplyTokens: null };

export const createSettingsSlice: StateCreator<SettingsSlice, [], [], SettingsSlice> = () => ({ settings: DEFAULT_SETTINGS });
