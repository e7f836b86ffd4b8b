// What bench:turn reads from the page: the fake microphone's start, Talk -> listening, and after the session the turns'
// marks, the dialogue and the stage timings the app itself reports, all through the test handle.
import type { Page } from '@playwright/test';
import type { TurnMarks } from '../../../src/assistant/turnMarks';

declare global {
  interface Window {
    /** performance.now() when getUserMedia handed the fake microphone's stream over: its file starts playing then. */
    __benchMicStartedAtMs?: number;
  }
}

/** Installed before the app's scripts: notes when the microphone stream starts. */
export function recordMicStart(): void {
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    window.__benchMicStartedAtMs ??= performance.now();
    return stream;
  };
}

/**
 * Resolves with the page's clock (ms since navigation) once the pack's models are ready, the speech path settled (loaded,
 * failed or absent: the text path answers then) and the voice detector not loading; throws if a model failed.
 */
export async function waitForModelsReady(page: Page, timeoutMs: number): Promise<number> {
  const handle = await page.waitForFunction(
    () => {
      const { components, vadStatus, speechPath } = window.__es4r!.getState();
      const roles = ['asr', 'llm', 'tts'] as const;
      const failed = roles.find((role) => components[role]?.status === 'error');
      if (failed) return { failed: `${failed}: ${components[failed]?.error ?? 'failed'}` };
      const speechSettled = speechPath.status === 'ready' || speechPath.status === 'error' || speechPath.detail !== null;
      return roles.every((role) => components[role]?.status === 'ready') && speechSettled && vadStatus !== 'loading' ? { readyAtMs: performance.now() } : null;
    },
    null,
    { timeout: timeoutMs, polling: 50 },
  );
  const result = (await handle.jsonValue()) as { failed?: string; readyAtMs?: number };
  if (result.failed) throw new Error(`a model failed to load in the page: ${result.failed}`);
  return result.readyAtMs!;
}

export interface PageTurn {
  userTurnId: number;
  startMs: number;
  endMs: number;
  /** When the listen worker decided the turn's end, on the stream's clock; null if the page kept no summary of it. */
  decidedAtMs: number | null;
  transcript: string;
  asrTimingsMs: Record<string, number>;
  reply: { id: number; promptTokens: number | null; prefilledTokens: number | null; timingsMs: Record<string, number> } | null;
  marks: TurnMarks;
}

export interface PageSession {
  micStartedAtMs: number | null;
  turns: PageTurn[];
  componentLoadMs: Record<string, number>;
  notice: string | null;
}

/** The session as the page saw it: the k-th marks belong to the k-th user turn (each is handed over once). */
export function readSession(page: Page): Promise<PageSession> {
  return page.evaluate(() => {
    const handle = window.__es4r!;
    const state = handle.getState();
    const marks = handle.turnMarks();
    const dialogueTurns = state.dialogue.turns;
    const users = dialogueTurns.flatMap((turn, index) => (turn.kind === 'user' ? [{ turn, index }] : []));
    return {
      micStartedAtMs: window.__benchMicStartedAtMs ?? null,
      componentLoadMs: Object.fromEntries(Object.entries(state.components).flatMap(([role, component]) => (component?.loadMs === undefined ? [] : [[role, component.loadMs]]))),
      notice: state.conversationNotice ?? null,
      turns: users.map(({ turn, index }, k) => {
        const next = dialogueTurns[index + 1];
        const reply = next?.kind === 'assistant' ? next : null;
        return {
          userTurnId: turn.id,
          startMs: turn.startMs,
          endMs: turn.endMs,
          decidedAtMs: state.turns.find((summary) => summary.startMs === turn.startMs && summary.endMs === turn.endMs)?.decidedAtMs ?? null,
          transcript: turn.kind === 'user' ? turn.transcript : '',
          asrTimingsMs: state.turnTimingsMs[turn.id] ?? {},
          reply: reply ? { id: reply.id, promptTokens: reply.prompt?.tokens ?? null, prefilledTokens: reply.prompt?.prefilledTokens ?? null, timingsMs: state.replyTimingsMs[reply.id] ?? {} } : null,
          marks: marks[k] ?? {},
        };
      }),
    };
  });
}
