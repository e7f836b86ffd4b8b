// Study mode's flow: opens a study file, runs one participant's session under its condition, logs it
// (store snapshots -> TurnTracker -> studyLog), ends it at a limit, and restores the settings.
import { SAMPLE_RATE_HZ } from '../audio/dsp/constants';
import { userTurns } from '../conversation/dialogue';
import { errorMessage } from '../errorMessage';
import { updateSettings } from '../state/actions';
import { studyChanged } from '../state/studyActions';
import { initialStudyState } from '../state/studySlice';
import { useStore, type AppState } from '../state/store';
import { assignCondition } from '../study/assignment';
import { controlledSettings, settingsForCondition, type ConditionSettings } from '../study/conditionSettings';
import { EndWhenQuiet, ENDING_WAIT_CAP_MS, type QuietInputs } from '../study/endWhenQuiet';
import { compactTimestamp, type ExportFile } from '../study/export/buildExport';
import type { SessionEndReason, SessionRecord } from '../study/log/records';
import { sessionProvenance } from '../study/log/provenance';
import { TurnTracker } from '../study/log/turnTracker';
import { APP_VERSION } from '../appVersion';
import { nextParticipantId, participantIdProblem } from '../study/participantId';
import { conditionProblem } from '../study/servable';
import { parseStudyFileText, type StudyFile } from '../study/studyFile';
import { bargeIn } from './conversationSession';
import { onTurnFinished, startNewConversation, stopListening } from './listenSession';
import { exportLog, refreshLogged, wipeLog, writeLog } from './studyLog';

/** The settings a running session replaced, kept across a reload so a crashed session cannot leave its condition behind. */
const SETTINGS_BACKUP_KEY = 'es4r.study.settingsBefore';
/** How often an ending session checks whether the last reply has been spoken. */
const ENDING_POLL_MS = 250;

interface RunningSession {
  record: SessionRecord;
  tracker: TurnTracker;
  quiet: EndWhenQuiet;
  detach: () => void;
  timer: ReturnType<typeof setTimeout> | null;
  ending: boolean;
}
let running: RunningSession | null = null;
/** The session the end screen offers to download. */
let lastSessionId: string | null = null;

function study(): StudyFile {
  const file = useStore.getState().study.file;
  if (!file) throw new Error('no study is open');
  return file;
}

/** Puts back the settings a condition replaced (kept in localStorage while a session runs). */
function restoreSettings(): void {
  const backup = localStorage.getItem(SETTINGS_BACKUP_KEY);
  localStorage.removeItem(SETTINGS_BACKUP_KEY);
  if (backup === null) return;
  try {
    updateSettings(JSON.parse(backup) as ConditionSettings);
  } catch {
    // An unreadable backup leaves the condition's settings; Settings shows them and they can be changed by hand.
  }
}

let started = false;

/** Once per page: puts back settings a session left behind, and opens the study named by ?study= in the page's URL. */
export function startStudyMode(): void {
  if (started) return;
  started = true;
  restoreSettings();
  const path = new URLSearchParams(window.location.search).get('study');
  if (path !== null) void openStudyFromUrl(path);
}

/** Only a file from the page's own origin is fetched: a study never makes the page talk to another host. */
export async function openStudyFromUrl(path: string): Promise<void> {
  studyChanged({ phase: 'setup', loadError: null, source: path });
  try {
    const url = new URL(path, window.location.href);
    if (url.origin !== window.location.origin) throw new Error(`it must come from this page's own origin (${window.location.origin}), not ${url.origin}`);
    const response = await fetch(url, { cache: 'no-store' });
    const text = await response.text();
    if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`);
    if (text.trimStart().startsWith('<')) throw new Error('the server answered with a web page: there is no such file');
    await studyOpened(parseStudyFileText(text), path);
  } catch (error) {
    studyChanged({ file: null, loadError: `The study file ${path} could not be opened: ${errorMessage(error)}` });
  }
}

export async function openStudyFromFile(file: File): Promise<void> {
  studyChanged({ phase: 'setup', loadError: null, source: file.name });
  try {
    await studyOpened(parseStudyFileText(await file.text()), file.name);
  } catch (error) {
    studyChanged({ file: null, loadError: `The study file ${file.name} could not be opened: ${errorMessage(error)}` });
  }
}

async function studyOpened(file: StudyFile, source: string): Promise<void> {
  studyChanged({ ...initialStudyState, phase: 'setup', file, source, storage: useStore.getState().study.storage });
  await refreshLogged();
}

/** Back to the normal page; a session in progress keeps the study open. */
export function closeStudy(): void {
  if (running) return;
  studyChanged({ ...initialStudyState, storage: useStore.getState().study.storage });
}

export function generateParticipantId(): void {
  studyChanged({ participantId: nextParticipantId(useStore.getState().study.logged.participantIds) });
}

export function participantIdEntered(participantId: string): void {
  studyChanged({ participantId });
}

/** The researcher hands over: the condition is assigned and the participant sees the consent text. */
export function showConsent(): void {
  const { participantId } = useStore.getState().study;
  if (participantIdProblem(participantId) !== null) return;
  const { condition, rule } = assignCondition(study(), participantId, Math.random());
  const { pack, speechPath } = useStore.getState();
  const handOverProblem = conditionProblem(condition, pack.chosen, speechPath);
  if (handOverProblem !== null) {
    studyChanged({ handOverProblem });
    return;
  }
  studyChanged({ phase: 'consent', condition, assignmentRule: rule, audioKept: false, endReason: null, lastAction: null, handOverProblem: null });
}

export function declineConsent(): void {
  studyChanged({ phase: 'setup', condition: null, assignmentRule: null });
}

/** Consent given: the condition's settings apply, the dialogue starts empty and every change is logged. */
export function startConversation(participantAllowsAudio: boolean): void {
  const { participantId, condition, assignmentRule } = useStore.getState().study;
  const file = study();
  if (running || !condition || !assignmentRule) return;
  const startedAt = new Date();
  const audioKept = file.audioMayBeKept && participantAllowsAudio;
  const settings = settingsForCondition(condition);
  const record: SessionRecord = {
    studyId: file.id,
    sessionId: `${participantId}_${compactTimestamp(startedAt)}`,
    participantId,
    condition,
    settings,
    assignmentRule,
    audioKept,
    provenance: sessionProvenance({ ...pickProvenanceInputs(useStore.getState()), settings: { ...useStore.getState().settings, ...settings } }),
    startedAt: startedAt.toISOString(),
    endedAt: null,
    endReason: null,
  };
  localStorage.setItem(SETTINGS_BACKUP_KEY, JSON.stringify(controlledSettings(useStore.getState().settings)));
  updateSettings(settings);
  startNewConversation();
  const state = useStore.getState();
  const tracker = new TurnTracker({ studyId: file.id, sessionId: record.sessionId, participantId, conditionId: condition.id }, state);
  const session: RunningSession = { record, tracker, quiet: new EndWhenQuiet(), detach: () => undefined, timer: null, ending: false };
  running = session;
  lastSessionId = record.sessionId;
  void writeLog({ store: 'sessions', value: record });
  const unsubscribeStore = useStore.subscribe((next, previous) => {
    if (tracked(next, previous)) observe(session, next);
  });
  const unsubscribeTurns = onTurnFinished((turn) => {
    if (!audioKept) return;
    const value = { studyId: file.id, sessionId: record.sessionId, turnStartMs: turn.startMs, sampleRateHz: SAMPLE_RATE_HZ, pcm: turn.pcm16k.slice() };
    void writeLog({ store: 'audio', value });
  });
  session.detach = () => {
    unsubscribeStore();
    unsubscribeTurns();
  };
  const maxSeconds = file.limits.maxSeconds;
  const endsAtMs = maxSeconds === undefined ? null : Date.now() + maxSeconds * 1000;
  if (maxSeconds !== undefined) session.timer = setTimeout(() => void endSession(session, 'timeLimit'), maxSeconds * 1000);
  studyChanged({ phase: 'conversation', audioKept, endsAtMs });
}

/** Only changes to what the log or the limits read wake the logger (not the ~30 Hz level meters). */
function tracked(next: AppState, previous: AppState): boolean {
  return (
    next.dialogue !== previous.dialogue ||
    next.turns !== previous.turns ||
    next.replyTimingsMs !== previous.replyTimingsMs ||
    next.transcribing !== previous.transcribing ||
    next.voice !== previous.voice ||
    next.lastTtfaMs !== previous.lastTtfaMs ||
    next.speaking !== previous.speaking ||
    next.components !== previous.components
  );
}

function quietInputs(state: AppState): QuietInputs {
  const last = state.dialogue.turns.at(-1);
  return {
    transcribing: state.transcribing,
    lastTurn: !last ? null : last.kind === 'user' ? { kind: 'user' } : { kind: 'assistant', id: last.id, streaming: last.streaming },
    ttsReady: state.components.tts?.status === 'ready',
    speakingReplyId: state.speaking?.replyId ?? null,
  };
}

function observe(session: RunningSession, state: AppState): void {
  for (const value of session.tracker.observe(state, { nowMs: performance.now(), wallMs: Date.now() })) void writeLog({ store: 'turns', value });
  session.quiet.observe(quietInputs(state), performance.now());
  const maxTurns = study().limits.maxTurns;
  if (maxTurns !== undefined && userTurns(state.dialogue).length >= maxTurns) void endSession(session, 'turnLimit');
}

/** The participant ends it: the voice stops at once and a reply being written is marked interrupted. */
export async function endConversationNow(): Promise<void> {
  if (!running) return;
  const session = running;
  await stopListening();
  await bargeIn();
  await endSession(session, 'participant');
}

/** No more listening; the last reply is written and spoken (up to a cap), then everything is logged and the settings restored. */
async function endSession(session: RunningSession, reason: SessionEndReason): Promise<void> {
  if (session.ending) return;
  session.ending = true;
  if (session.timer !== null) clearTimeout(session.timer);
  studyChanged({ phase: 'ending', endReason: reason });
  await stopListening();
  const since = performance.now();
  // At a limit the last exchange finishes; the participant's own end cuts it (the reset below cancels what is left).
  while (reason !== 'participant' && performance.now() - since < ENDING_WAIT_CAP_MS && !session.quiet.observe(quietInputs(useStore.getState()), performance.now())) {
    await new Promise((resolve) => setTimeout(resolve, ENDING_POLL_MS));
  }
  const state = useStore.getState();
  session.tracker.observe(state, { nowMs: performance.now(), wallMs: Date.now() });
  session.detach();
  for (const value of session.tracker.records(state)) void writeLog({ store: 'turns', value });
  session.record = { ...session.record, endedAt: new Date().toISOString(), endReason: reason };
  const saved = writeLog({ store: 'sessions', value: session.record });
  restoreSettings();
  // The next person at the device sees an empty conversation.
  startNewConversation();
  running = null;
  studyChanged({ phase: 'ended', endsAtMs: null });
  await saved;
  await refreshLogged();
}

/** The researcher takes the device back for the next participant. */
export function backToSetup(): void {
  if (running) return;
  studyChanged({ phase: 'setup', participantId: '', condition: null, assignmentRule: null, audioKept: false, endReason: null, lastAction: null });
}

/** The study's whole log, or the latest session's (the end screen's copy for the participant), as one file. */
export function exportStudyLog(scope: 'study' | 'lastSession'): Promise<ExportFile | null> {
  return exportLog(study(), scope === 'lastSession' ? (lastSessionId ?? undefined) : undefined);
}

/** Deletes the study's log from this device (the page asks for confirmation first); not while a session runs. */
export async function wipeStudyLog(): Promise<void> {
  if (!running) await wipeLog(study());
}

function pickProvenanceInputs(state: AppState) {
  return { app: APP_VERSION, pack: state.pack.chosen, components: state.components, speechPath: state.speechPath, echoCancellationGranted: state.echoCancellation, userAgent: navigator.userAgent };
}
