// The composition root: builds the assistant's parts from what the world gives it (ports.ts) and wires them, so the
// page and a Node test run the same objects. Nothing here is module state; two assistants never share anything.
import { createActions, type Actions } from '../state/actions';
import type { AppStore } from '../state/store';
import { StudyLogDb } from '../study/log/studyLogDb';
import { ConversationFlow } from './conversationFlow';
import { Listening } from './listening';
import { ModelHost } from './modelHost';
import type { AssistantPorts } from './ports';
import { StudyLog } from './studyLog';
import { StudyRunner } from './studyRunner';
import { TurnMarkLog } from './turnMarks';
import { VerdictMemory } from './verdictMemory';
import { VoiceOutput } from './voiceOutput';

export interface Assistant {
  store: AppStore;
  actions: Actions;
  models: ModelHost;
  voice: VoiceOutput;
  conversation: ConversationFlow;
  listening: Listening;
  study: StudyRunner;
  marks: TurnMarkLog;
  /** The voice detector first, then the models: their loads would slow its start several times over on a 2-core machine. */
  start(): Promise<void>;
  /** Forgets the dialogue (here, in the store and in the LLM's KV cache) and stops the reply in flight. */
  startNewConversation(): void;
  /** The page is shown again: the microphone's and the voice's audio graphs resume if the browser suspended them. */
  resumeAudio(): void;
}

export function createAssistant(ports: AssistantPorts, options: { random?: () => number } = {}): Assistant {
  const { workers, store, clock, storage, audio, models: modelSource, page } = ports;
  const actions = createActions(store);
  const marks = new TurnMarkLog(clock);
  const models = new ModelHost({ workers, store, actions, clock, models: modelSource, page, verdicts: new VerdictMemory(storage) });
  const voice = new VoiceOutput({ models, store, actions, clock, audio, marks });
  const conversation = new ConversationFlow({ models, voice, store, actions, clock, marks });
  const listening = new Listening({ workers, audio, store, actions, clock, conversation, voice, vadModelUrl: modelSource.vadModelUrl });
  const startNewConversation = () => {
    actions.newConversation();
    void conversation.reset();
  };
  const log = new StudyLog({ store, actions, openDb: () => StudyLogDb.open(), now: () => new Date(clock.wallMs()) });
  const study = new StudyRunner({
    store,
    actions,
    clock,
    storage,
    page: { ...page, fetch: modelSource.fetch },
    log,
    listening,
    conversation,
    startNewConversation,
    random: options.random ?? Math.random,
  });
  return {
    store,
    actions,
    models,
    voice,
    conversation,
    listening,
    study,
    marks,
    start: () => models.load({ workersAfter: listening.prepare() }),
    startNewConversation,
    resumeAudio: () => {
      listening.resume();
      voice.resume();
    },
  };
}
