// The per-turn report of `npm run converse`, as readable text.
import type { PromptSize, ReplyRoute } from '../../src/conversation/dialogue';
import { describePrompt, describeRoute } from '../../src/conversation/replyRoute';

export interface ConverseTurn {
  startMs: number;
  endMs: number;
  transcript: string;
  strategy: string;
  deltaDb: number | null;
  /** The affect-cue note the prompt carried, in words. */
  cues: string;
  reply: string;
  /** Which ES4R path produced the reply (null for a fixed ask-to-repeat reply). */
  route: ReplyRoute | null;
  prompt: PromptSize | null;
  timingsMs: Record<string, number>;
  /** With --tts: how the reply was voiced, and end of turn -> first reply audio sample. */
  voice?: { strategy: string; speed: number; styleSource: string };
  ttfaMs?: number | null;
}

export function formatConverseTurn(turn: ConverseTurn, index: number): string {
  const delta = turn.deltaDb === null ? 'n/a' : `${turn.deltaDb >= 0 ? '+' : ''}${turn.deltaDb.toFixed(1)} dB`;
  const timings = Object.entries(turn.timingsMs)
    .map(([stage, ms]) => `${stage} ${ms.toFixed(0)}`)
    .join(', ');
  return [
    `turn ${index + 1}  ${(turn.startMs / 1000).toFixed(2)}-${(turn.endMs / 1000).toFixed(2)} s  strategy ${turn.strategy} (delta ${delta})`,
    `  user:   ${turn.transcript}`,
    `  cues:   ${turn.cues || '(none)'}`,
    `  reply:  ${turn.reply}`,
    `  path:   ${describeRoute(turn.route)}${turn.prompt ? `, ${describePrompt(turn.prompt)}` : ''}`,
    `  ms:     ${timings}`,
    ...(turn.voice ? [`  voice:  ${turn.voice.strategy} preset at ${turn.voice.speed}x (${turn.voice.styleSource}), first audio after ${turn.ttfaMs?.toFixed(0) ?? '-'} ms`] : []),
    '',
  ].join('\n');
}
