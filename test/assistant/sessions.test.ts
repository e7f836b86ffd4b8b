// Whole multi-turn sessions in Node, through the page's composition root (createAssistant) with in-process workers:
// the real VAD, turn logic, Whisper and LLM methods on the tiny pack, a fake voice (see test/support/assistantHarness).
// What a browser adds (Web Audio, real threads, WebGPU) stays with the Playwright specs.
import { describe, expect, it, onTestFinished } from 'vitest';
import { userTurns } from '../../src/conversation/dialogue';
import { createHarness, useTinyModels, until } from '../support/assistantHarness';
import { Room } from '../support/fakeAudio';
import { assistantTurns, MIC_RATE_HZ, openPage, say, SPEECH_MS, TURN_GAP_MS, utterance } from '../support/spokenTurns';

/** What follows the speech vectors in a speech-path prompt (the instruction's end, the assistant header): a few tokens. */
const SPEECH_SUFFIX_MAX_TOKENS = 8;

const models = useTinyModels();

describe('a spoken conversation on the tiny pack, whole, in Node', () => {
  it('three turns of rising energy: each is heard as one turn, transcribed, answered, spoken; the strategy turns to encourage; turn N prefills only what is new', async () => {
    const h = createHarness({ models: models.current, microphoneRateHz: MIC_RATE_HZ });
    onTestFinished(() => h.close());
    await openPage(h, { answerPath: 'text' });
    const replies = [await say(h, -12), await say(h, -6), await say(h, 0)];

    const state = h.assistant.store.getState();
    expect(state.turns).toHaveLength(3);
    // The same sentence at -12, -6 and 0 dB: turn 2 is 6 dB over turn 1, turn 3 is 9 dB over their mean, both past
    // tau = 3 dB. 1 dB allows for the VAD marking a frame more or less of the quieter copies as speech.
    expect(userTurns(state.dialogue).map((turn) => turn.strategy)).toEqual(['neutral', 'encourage', 'encourage']);
    expect(Math.abs(state.deltaDb! - 9)).toBeLessThan(1);
    for (const reply of replies) {
      expect(reply.interrupted).toBe(false);
      expect(reply.failed).toBe(false);
      expect(reply.route?.path).toBe('text');
    }
    // Every reply was voiced, in order: the fake voice is as long as the text it was given.
    expect(h.player.played.length).toBeGreaterThanOrEqual(3);
    expect(state.voice?.strategy).toBe('encourage');

    // The KV cache carries over: after the first turn, a prompt runs only the tokens the previous one did not have.
    const prompts = replies.map((reply) => reply.prompt!);
    for (let k = 1; k < prompts.length; k++) {
      expect(prompts[k]!.tokens).toBeGreaterThan(prompts[k - 1]!.tokens);
      expect(prompts[k]!.prefilledTokens).toBeLessThanOrEqual(prompts[k]!.tokens - prompts[k - 1]!.tokens);
    }
  }, 300_000);

  it('the user talks over the reply: the voice ducks, stops at the confirmed barge-in, the reply is marked interrupted, and the new turn is answered', async () => {
    const h = createHarness({ models: models.current, microphoneRateHz: MIC_RATE_HZ });
    onTestFinished(() => h.close());
    // Headphones: the microphone hears only the user. The benchmark's fixed reply (43 words) gives the voice seconds to interrupt.
    h.player.autoPlay = false;
    await openPage(h, { answerPath: 'text', benchmarkReplyTokens: 48 });
    const room = new Room(h.player, h.microphone);
    await room.run(SPEECH_MS + TURN_GAP_MS, utterance(0));
    await until(() => h.player.queued.length > 0, 'the first clause of the reply to be voiced');
    const first = assistantTurns(h)[0]!;

    // The reply plays while the user says the sentence again.
    await room.run(1500, utterance(0));
    await until(() => assistantTurns(h)[0]!.interrupted, 'the reply to be marked interrupted');
    // Ducked at the onset, before the barge-in was confirmed and the voice stopped.
    expect(h.player.ducks[0]).toBe(true);
    expect(h.player.stops).toBeGreaterThanOrEqual(1);
    expect(assistantTurns(h)[0]!.id).toBe(first.id);

    // The rest of the sentence and the pause end the user's turn; its reply plays out.
    h.player.autoPlay = true;
    await room.run(SPEECH_MS + TURN_GAP_MS - 1500);
    h.player.play();
    await until(() => assistantTurns(h).length === 2 && !assistantTurns(h)[1]!.streaming && h.assistant.voice.audibleReply() === null, 'the second reply');
    expect(userTurns(h.assistant.store.getState().dialogue)).toHaveLength(2);
    expect(assistantTurns(h)[1]!.interrupted).toBe(false);
    expect(h.assistant.store.getState().lastBargeInStopMs).not.toBeNull();
  }, 300_000);

  it('a lost GPU device: the worker is replaced, the model reloads, the user is told once, and the next turn is answered from a fresh cache', async () => {
    const h = createHarness({ models: models.current, microphoneRateHz: MIC_RATE_HZ });
    onTestFinished(() => h.close());
    await openPage(h, { answerPath: 'text' });
    await say(h, 0);
    const lost = h.latest('llm');
    lost.emit({ kind: 'deviceLost', reason: 'destroyed', message: 'the test destroyed it' });

    await until(() => (h.workers.get('llm') ?? []).length === 2 && h.assistant.models.ready('llm') && /reloaded/.test(h.assistant.store.getState().conversationNotice ?? ''), 'the LLM to be reloaded in a new worker');
    expect(lost.terminated).toBe(true);
    expect(h.assistant.store.getState().conversationNotice).toMatch(/^The graphics device was reset; models were reloaded on /);
    // Only the worker that lost its device was replaced.
    expect(h.workers.get('asr')).toHaveLength(1);

    const reply = await say(h, 0);
    expect(reply.failed).toBe(false);
    // The new worker's engine held only the system prompt: this reply ran everything after it, the earlier turns included.
    const before = assistantTurns(h)[0]!.prompt!;
    expect(reply.prompt!.prefilledTokens).toBeGreaterThan(reply.prompt!.tokens - before.tokens);
  }, 300_000);

  it("each model worker starts the runtime its device needs: WebGPU's where the page has an adapter, wasm's alone once wasm is chosen, in a new worker", async () => {
    const gpu = { adapterKey: 'acme|x1|-|-', isFallbackAdapter: false, shaderF16: true, maxBufferSizeBytes: 2 ** 30, maxStorageBufferBindingSizeBytes: 2 ** 27 };
    const h = createHarness({ models: models.current, microphoneRateHz: MIC_RATE_HZ, pageGpu: gpu });
    onTestFinished(() => h.close());
    await openPage(h, { answerPath: 'text' }, false);
    const roles = ['asr', 'llm', 'tts'] as const;
    expect(h.ortRuntimesAsked.filter((device) => device === 'webgpu').length).toBeGreaterThanOrEqual(roles.length);
    // Each model is checked against a wasm reference run in a worker of its own, on the wasm-only build, then ended.
    const tinyDtypes = (role: string) => ({ asr: ['fp32'], llm: ['fp32'], tts: ['fp32'] })[role];
    for (const role of roles) {
      const [modelWorker, referenceWorker] = h.workers.get(role)!;
      expect(referenceWorker!.terminated, role).toBe(true);
      expect(modelWorker!.terminated, role).toBe(false);
      expect(h.modelRequests.references.filter((call) => call.role === role).map((call) => call.request.dtypes), role).toEqual([tinyDtypes(role)]);
      const load = h.modelRequests.loads.find((call) => call.role === role)!.request;
      expect(load.reference, role).toEqual({ unavailable: 'the in-process test worker runs no reference' });
    }
    // The references' workers are the only ones that asked for the wasm build.
    expect(h.ortRuntimesAsked.filter((device) => device === 'wasm')).toHaveLength(h.modelRequests.references.length);
    const first = Object.fromEntries(roles.map((role) => [role, h.workers.get(role)![0]!]));

    h.assistant.actions.updateSettings({ devicePreference: 'wasm' });
    await h.assistant.models.load();
    await until(() => roles.every((role) => h.assistant.models.ready(role)), 'the models to load on wasm');
    for (const role of roles) {
      // The model's first worker, its reference's, and a new one on the wasm build: no reference on wasm.
      expect(h.workers.get(role), role).toHaveLength(3);
      expect(first[role]!.terminated, role).toBe(true);
      expect(h.modelRequests.references.filter((call) => call.role === role), role).toHaveLength(1);
    }

    // Loading again on the same device keeps the workers.
    await h.assistant.models.load();
    await until(() => roles.every((role) => h.assistant.models.ready(role)), 'the models to load again');
    for (const role of roles) expect(h.workers.get(role), role).toHaveLength(3);
    // The new workers answer.
    await h.assistant.listening.start();
    expect((await say(h, 0)).failed).toBe(false);
  }, 300_000);

  it('New conversation while the reply plays: the voice stops, the dialogue and the turns are emptied, the LLM forgets its cache, and talking goes on', async () => {
    const h = createHarness({ models: models.current, microphoneRateHz: MIC_RATE_HZ });
    onTestFinished(() => h.close());
    h.player.autoPlay = false;
    await openPage(h, { answerPath: 'text', benchmarkReplyTokens: 48 });
    h.microphone.hear(utterance(0));
    await until(() => h.player.queued.length > 0, 'the reply to be voiced');

    h.assistant.startNewConversation();
    await until(() => h.latest('llm').calls.includes('reset'), 'the LLM to forget its cache');
    const state = h.assistant.store.getState();
    expect(state.dialogue.turns).toHaveLength(0);
    expect(state.turns).toHaveLength(0);
    expect(h.player.stops).toBeGreaterThanOrEqual(1);
    expect(h.player.queued).toHaveLength(0);
    expect(state.micStatus).toBe('listening');

    h.player.autoPlay = true;
    const reply = await say(h, 0);
    expect(userTurns(h.assistant.store.getState().dialogue)).toHaveLength(1);
    expect(reply.interrupted).toBe(false);
  }, 300_000);

  it('the speech path over two turns: ES4R answers both, and the second prompt reuses the first one\'s text', async () => {
    const h = createHarness({ models: models.current, microphoneRateHz: MIC_RATE_HZ });
    onTestFinished(() => h.close());
    await openPage(h, { answerPath: 'speech' });
    expect(h.assistant.store.getState().speechPath.status).toBe('ready');
    const replies = [await say(h, -6), await say(h, 0)];
    for (const reply of replies) expect(reply.route?.path).toBe('speech');
    // The prompt is [system][text history][speech vectors][suffix]: the second turn reuses the first prompt's system and
    // history, and runs again every turn's speech vectors (dialogue-level attention recomputes them) and the suffix.
    // The first reply, written after the first turn's speech vectors, was prefilled again once it had been spoken,
    // before the second turn: at its end only the new user message, the speech vectors and the suffix are run.
    const [first, second] = replies.map((reply) => reply.prompt!);
    expect(second!.tokens).toBeGreaterThan(first!.tokens);
    const firstSpeechRows = replies[0]!.route!.speechTokens!;
    const firstReplyTokens = models.current.speech!.llm.tokenizer.encode(replies[0]!.text, { add_special_tokens: false }).length;
    expect(firstReplyTokens).toBeGreaterThan(3);
    expect(second!.prefilledTokens).toBeLessThanOrEqual(second!.tokens - first!.tokens + firstSpeechRows + SPEECH_SUFFIX_MAX_TOKENS - firstReplyTokens);
  }, 300_000);
});
