// What bench:turn hands the plain recipe's bench page, and what its worker reports back.
import type { Pack } from '../../../../src/models/manifest';
import type { TurnResult } from '../../turnBudget/turnResult';
import type { PlainRecording } from '../plainTurns';

export interface PlainPageRequest {
  /** For the missing-file remedy transformers.js' loads name. */
  pack: string;
  components: Pack['components'];
  device: 'wasm' | 'webgpu';
  /** onnxruntime-web's wasm threads: the page's per model worker. */
  wasmThreads: number;
  replyTokens: number;
  /** The bench's WAV on this origin. */
  recordingUrl: string;
  turns: PlainRecording['turns'];
}

export type PlainPageMessage =
  | { kind: 'log'; line: string }
  | { kind: 'loaded'; loadMs: number }
  | { kind: 'turn'; turn: TurnResult | null }
  | { kind: 'done' }
  | { kind: 'error'; message: string };

/** The run as the page collects it, read by bench:turn. */
export interface PlainPageRun {
  loadMs: number | null;
  turns: (TurnResult | null)[];
  done: boolean;
  error: string | null;
}

declare global {
  interface Window {
    /** Starts the plain recipe over the recording in a module worker; its progress lands in __plainRecipeRun. */
    __plainRecipeStart?: (request: PlainPageRequest) => void;
    __plainRecipeRun?: PlainPageRun;
  }
}
