// Study mode's flow: opens a study file, runs one participant's session under its condition, logs it
// (store snapshots -> TurnTracker -> StudyLog), ends it at a limit, and restores the settings.
import { SAMPLE_RATE_HZ } from '../audio/dsp/constants';
import { userTurns } from '../conversation/dialogue';
import { errorMessage } from '../errorMessage';
import type { Actions } from '../state/actions';
import type { KeyValueStorage } from '../state/keyValueStorage';
import { initialStudyState } from '../state/studySlice';
import type { AppState, AppStore } from '../state/store';
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
import type { ConversationFlow } from './conversationFlow';
import type { Listening } from './listening';
import type { Clock, PageContext } from './ports';
import type { StudyLog } from './studyLog';

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

export interface StudyRunnerDeps {
  store: AppStore;
  actions: Actions;
  clock: Clock;
  storage: KeyValueStorage;
  page: PageContext & { fetch: typeof fetch };
  log: StudyLog;
  listening: Listening;
  conversation: ConversationFlow;
  /** A fresh, empty conversation (the next participant's). */
  startNewConversation(): void;
  /** Uniform in [0, 1): the assignment's random draw. */
  random(): number;
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

export class StudyRunner {
  private running: RunningSession | null = null;
  /** The session the end screen offers to download. */
  private lastSessionId: string | null = null;
  private started = false;

  constructor(private readonly deps: StudyRunnerDeps) {}

  private study(): StudyFile {
    const file = this.deps.store.getState().study.file;
    if (!file) throw new Error('no study is open');
    return file;
  }

  /** Puts back the settings a condition replaced (kept in storage while a session runs). */
  private restoreSettings(): void {
    const { storage, actions } = this.deps;
    const backup = storage.getItem(SETTINGS_BACKUP_KEY);
    storage.removeItem(SETTINGS_BACKUP_KEY);
    if (backup === null) return;
    try {
      actions.updateSettings(JSON.parse(backup) as ConditionSettings);
    } catch {
      // An unreadable backup leaves the condition's settings; Settings shows them and they can be changed by hand.
    }
  }

  /** Once per page: puts back settings a session left behind, and opens the study named by ?study= in the page's URL. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.restoreSettings();
    const path = new URL(this.deps.page.href).searchParams.get('study');
    if (path !== null) void this.openFromUrl(path);
  }

  /** Only a file from the page's own origin is fetched: a study never makes the page talk to another host. */
  async openFromUrl(path: string): Promise<void> {
    const { actions, page } = this.deps;
    actions.studyChanged({ phase: 'setup', loadError: null, source: path });
    try {
      const { origin } = new URL(page.href);
      const url = new URL(path, page.href);
      if (url.origin !== origin) throw new Error(`it must come from this page's own origin (${origin}), not ${url.origin}`);
      const response = await page.fetch(url, { cache: 'no-store' });
      const text = await response.text();
      if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`);
      if (text.trimStart().startsWith('<')) throw new Error('the server answered with a web page: there is no such file');
      await this.opened(parseStudyFileText(text), path);
    } catch (error) {
      actions.studyChanged({ file: null, loadError: `The study file ${path} could not be opened: ${errorMessage(error)}` });
    }
  }

  async openFromFile(file: File): Promise<void> {
    const { actions } = this.deps;
    actions.studyChanged({ phase: 'setup', loadError: null, source: file.name });
    try {
      await this.opened(parseStudyFileText(await file.text()), file.name);
    } catch (error) {
      actions.studyChanged({ file: null, loadError: `The study file ${file.name} could not be opened: ${errorMessage(error)}` });
    }
  }

  private async opened(file: StudyFile, source: string): Promise<void> {
    const { actions, store, log } = this.deps;
    actions.studyChanged({ ...initialStudyState, phase: 'setup', file, source, storage: store.getState().study.storage });
    await log.refreshLogged();
  }

  /** Back to the normal page; a session in progress keeps the study open. */
  close(): void {
    if (this.running) return;
    this.deps.actions.studyChanged({ ...initialStudyState, storage: this.deps.store.getState().study.storage });
  }

  generateParticipantId(): void {
    this.deps.actions.studyChanged({ participantId: nextParticipantId(this.deps.store.getState().study.logged.participantIds) });
  }

  participantIdEntered(participantId: string): void {
    this.deps.actions.studyChanged({ participantId });
  }

  /** The researcher hands over: the condition is assigned and the participant sees the consent text. */
  showConsent(): void {
    const { store, actions, random } = this.deps;
    const { participantId } = store.getState().study;
    if (participantIdProblem(participantId) !== null) return;
    const { condition, rule } = assignCondition(this.study(), participantId, random());
    const { pack, speechPath } = store.getState();
    const handOverProblem = conditionProblem(condition, pack.chosen, speechPath);
    if (handOverProblem !== null) {
      actions.studyChanged({ handOverProblem });
      return;
    }
    actions.studyChanged({ phase: 'consent', condition, assignmentRule: rule, audioKept: false, endReason: null, lastAction: null, handOverProblem: null });
  }

  declineConsent(): void {
    this.deps.actions.studyChanged({ phase: 'setup', condition: null, assignmentRule: null });
  }

  /** Consent given: the condition's settings apply, the dialogue starts empty and every change is logged. */
  startConversation(participantAllowsAudio: boolean): void {
    const { store, actions, clock, storage, log, listening } = this.deps;
    const { participantId, condition, assignmentRule } = store.getState().study;
    const file = this.study();
    if (this.running || !condition || !assignmentRule) return;
    const startedAt = new Date(clock.wallMs());
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
      provenance: sessionProvenance({ ...this.provenanceInputs(store.getState()), settings: { ...store.getState().settings, ...settings } }),
      startedAt: startedAt.toISOString(),
      endedAt: null,
      endReason: null,
    };
    storage.setItem(SETTINGS_BACKUP_KEY, JSON.stringify(controlledSettings(store.getState().settings)));
    actions.updateSettings(settings);
    this.deps.startNewConversation();
    const tracker = new TurnTracker({ studyId: file.id, sessionId: record.sessionId, participantId, conditionId: condition.id }, store.getState());
    const session: RunningSession = { record, tracker, quiet: new EndWhenQuiet(), detach: () => undefined, timer: null, ending: false };
    this.running = session;
    this.lastSessionId = record.sessionId;
    void log.write({ store: 'sessions', value: record });
    const unsubscribeStore = store.subscribe((next, previous) => {
      if (tracked(next, previous)) this.observe(session, next);
    });
    const unsubscribeTurns = listening.onTurnFinished((turn) => {
      if (!audioKept) return;
      const value = { studyId: file.id, sessionId: record.sessionId, turnStartMs: turn.startMs, sampleRateHz: SAMPLE_RATE_HZ, pcm: turn.pcm16k.slice() };
      void log.write({ store: 'audio', value });
    });
    session.detach = () => {
      unsubscribeStore();
      unsubscribeTurns();
    };
    const maxSeconds = file.limits.maxSeconds;
    const endsAtMs = maxSeconds === undefined ? null : clock.wallMs() + maxSeconds * 1000;
    if (maxSeconds !== undefined) session.timer = setTimeout(() => void this.endSession(session, 'timeLimit'), maxSeconds * 1000);
    actions.studyChanged({ phase: 'conversation', audioKept, endsAtMs });
  }

  private observe(session: RunningSession, state: AppState): void {
    const { clock, log } = this.deps;
    for (const value of session.tracker.observe(state, { nowMs: clock.nowMs(), wallMs: clock.wallMs() })) void log.write({ store: 'turns', value });
    session.quiet.observe(quietInputs(state), clock.nowMs());
    const maxTurns = this.study().limits.maxTurns;
    if (maxTurns !== undefined && userTurns(state.dialogue).length >= maxTurns) void this.endSession(session, 'turnLimit');
  }

  /** The participant ends it: the voice stops at once and a reply being written is marked interrupted. */
  async endConversationNow(): Promise<void> {
    if (!this.running) return;
    const session = this.running;
    await this.deps.listening.stop();
    await this.deps.conversation.bargeIn();
    await this.endSession(session, 'participant');
  }

  /** No more listening; the last reply is written and spoken (up to a cap), then everything is logged and the settings restored. */
  private async endSession(session: RunningSession, reason: SessionEndReason): Promise<void> {
    const { store, actions, clock, log, listening } = this.deps;
    if (session.ending) return;
    session.ending = true;
    if (session.timer !== null) clearTimeout(session.timer);
    actions.studyChanged({ phase: 'ending', endReason: reason });
    await listening.stop();
    const since = clock.nowMs();
    // At a limit the last exchange finishes; the participant's own end cuts it (the reset below cancels what is left).
    while (reason !== 'participant' && clock.nowMs() - since < ENDING_WAIT_CAP_MS && !session.quiet.observe(quietInputs(store.getState()), clock.nowMs())) {
      await new Promise((resolve) => setTimeout(resolve, ENDING_POLL_MS));
    }
    const state = store.getState();
    session.tracker.observe(state, { nowMs: clock.nowMs(), wallMs: clock.wallMs() });
    session.detach();
    for (const value of session.tracker.records(state)) void log.write({ store: 'turns', value });
    session.record = { ...session.record, endedAt: new Date(clock.wallMs()).toISOString(), endReason: reason };
    const saved = log.write({ store: 'sessions', value: session.record });
    this.restoreSettings();
    // The next person at the device sees an empty conversation.
    this.deps.startNewConversation();
    this.running = null;
    actions.studyChanged({ phase: 'ended', endsAtMs: null });
    await saved;
    await log.refreshLogged();
  }

  /** The researcher takes the device back for the next participant. */
  backToSetup(): void {
    if (this.running) return;
    this.deps.actions.studyChanged({ phase: 'setup', participantId: '', condition: null, assignmentRule: null, audioKept: false, endReason: null, lastAction: null });
  }

  /** The study's whole log, or the latest session's (the end screen's copy for the participant), as one file. */
  exportLog(scope: 'study' | 'lastSession'): Promise<ExportFile | null> {
    return this.deps.log.export(this.study(), scope === 'lastSession' ? (this.lastSessionId ?? undefined) : undefined);
  }

  /** Deletes the study's log from this device (the page asks for confirmation first); not while a session runs. */
  async wipeLog(): Promise<void> {
    if (!this.running) await this.deps.log.wipe(this.study());
  }

  retrySaving(): void {
    this.deps.log.retrySaving();
  }

  private provenanceInputs(state: AppState) {
    return { app: APP_VERSION, pack: state.pack.chosen, components: state.components, speechPath: state.speechPath, echoCancellationGranted: state.echoCancellation, userAgent: this.deps.page.userAgent };
  }
}
