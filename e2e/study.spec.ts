import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { readWav } from '../src/audio/wav/readWav';
import type { StudyExport } from '../src/study/export/buildExport';
import { chromiumLaunch, fakeMicrophoneArgs } from './support/chromium';
import { expectWholeOrCutReply } from './support/cutReply';
import { DIALOGUE_TIMEOUT_MS, FIXTURE_TURN_COUNT } from './pages/listenPage';
import { ModelsPanel } from './pages/modelsPanel';

test.use({ launchOptions: chromiumLaunch(fakeMicrophoneArgs('dialogue-rising-48k.wav')) });

/** The tiny pack's designed outputs (scripts/tinyPack), as in converse.spec.ts. */
const TRANSCRIPT = 'Hello, how are you?';
const LISTENING_REPLY = 'i hear you, that sounds really hard.';
const ENCOURAGING_REPLY = 'you can do this, one step at a time!';

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Uint8Array }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), bytes: new Uint8Array(await readFile((await file.path())!)) };
}

test('a participant consents, talks until the turn limit, and the researcher exports the log and wipes it', async ({ page }) => {
  const models = new ModelsPanel(page);
  await page.goto('/?study=/studies/example.json');
  await expect(page.getByTestId('study-setup')).toContainText('Pilot: does an empathetic voice assistant feel supportive?');
  for (const role of ['asr', 'llm', 'tts'] as const) await expect(models.model(role)).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  // The log records the speech path's state at consent; it finishes loading after the three roles above.
  await expect(page.getByTestId('speech-path')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  const settingsBefore = await page.evaluate(() => window.__es4r!.getState().settings);

  // Researcher: P001 is counterbalanced onto the first condition, the ES4R text path.
  await page.getByTestId('generate-participant-id').click();
  await expect(page.getByTestId('participant-id')).toHaveValue('P001');
  await expect(page.getByTestId('assignment-preview')).toContainText('Condition: es4r-text (counterbalanced: participant number 1 -> condition 1 of 3)');
  await page.getByTestId('start-participant').click();

  // Participant: consent (with keeping the audio), then the conversation.
  await expect(page.getByTestId('consent')).toContainText('Nothing is sent anywhere.');
  await expect(page.getByTestId('consent-start')).toBeDisabled();
  await page.getByTestId('consent-agree').check();
  await page.getByTestId('consent-audio').check();
  await page.getByTestId('consent-start').click();
  await expect(page.getByTestId('limit-countdown')).toContainText('3 of 3 turns left');
  await expect(page.getByTestId('limit-countdown')).toContainText(/[45]:\d\d left/);
  expect(await page.evaluate(() => window.__es4r!.getState().settings)).toMatchObject({ answerPath: 'text', affectCuesInPrompt: true, empatheticVoice: true });
  await page.getByTestId('talk').click();
  await expect(page.getByTestId('user-turn')).toHaveCount(1, { timeout: DIALOGUE_TIMEOUT_MS });
  await expect(page.getByTestId('limit-countdown')).toContainText(/[12] of 3 turns left/);

  // The third turn reaches the limit: its reply is written and spoken, then the end screen.
  await expect(page.getByTestId('end-screen')).toContainText('Thank you: the conversation is over.', { timeout: DIALOGUE_TIMEOUT_MS });
  const after = await page.evaluate(() => window.__es4r!.getState());
  expect(after.settings).toEqual(settingsBefore);
  expect(after.dialogue.turns).toHaveLength(0);
  expect(after.micStatus).toBe('idle');

  await page.getByTestId('back-to-setup').click();
  const logged = page.getByTestId('study-logged');
  await expect(logged).toHaveAttribute('data-sessions', '1');
  await expect(logged).toHaveAttribute('data-turns', String(FIXTURE_TURN_COUNT));
  await expect(logged).toContainText(`${FIXTURE_TURN_COUNT} with audio`);

  // Export: audio was kept, so one ZIP of log.json and a WAV per turn.
  const exported = await download(page, 'export-log');
  expect(exported.name).toMatch(/^example-pilot-\d{8}T\d{6}Z\.zip$/);
  const entries = unzipSync(exported.bytes);
  const log = JSON.parse(strFromU8(entries['log.json']!)) as StudyExport;
  expect(log.study.id).toBe('example-pilot');
  expect(log.sessions).toHaveLength(1);
  const [session] = log.sessions;
  expect(session).toMatchObject({ participantId: 'P001', condition: { id: 'es4r-text' }, audioKept: true, endReason: 'turnLimit' });
  expect(session!.settings).toEqual({ answerPath: 'text', dualAttention: true, crossAttention: true, empatheticVoice: true, affectCuesInPrompt: true });
  // What ran: the build, the pack, each model with its dtype, device and why, every reply-shaping setting, the browser.
  const { provenance } = session!;
  expect(provenance.app.version).toBe('0.1.0');
  expect(provenance.app.commit).toMatch(/^[0-9a-f]{40}(-modified)?$/);
  expect(provenance.pack).toBe('tiny');
  expect(provenance.models.map((m) => m.role)).toEqual(['asr', 'llm', 'speech_llm', 'tts']);
  for (const model of provenance.models) {
    expect(model).toMatchObject({ status: 'ready', device: expect.stringMatching(/^(wasm|webgpu)$/) });
    expect(model.modelId.length).toBeGreaterThan(0);
    expect(model.dtype).not.toBeNull();
    expect(model.deviceReason).not.toBeNull();
  }
  expect(provenance.speechPath.status).toBe('ready');
  expect(provenance.settings).toMatchObject({ answerPath: 'text', tauDb: settingsBefore.tauDb, cues: settingsBefore.cues, maxNewTokens: settingsBefore.maxNewTokens, maxPromptTokens: settingsBefore.maxPromptTokens, dualAttention: true, crossAttention: true, affectCuesInPrompt: true });
  expect(provenance.echoCancellation.requested).toBe(settingsBefore.processing.echoCancellation);
  expect(provenance.userAgent).toMatch(/Chrome\//);
  expect(session!.turns.map((t) => t.turnNumber)).toEqual([1, 2, 3]);
  for (const turn of session!.turns) {
    expect(turn.conditionId).toBe('es4r-text');
    expect(turn.user.transcript.trim()).toBe(TRANSCRIPT);
    expect(turn.user.frameEnergyDb.length).toBeGreaterThan(50);
    // The fixture's next turn may start while a reply is still spoken: a barge-in marks it interrupted.
    expect(turn.reply!.path).toBe('text');
    expect(turn.reply!.route).toMatchObject({ path: 'text', fallbackReason: null });
    expect(turn.reply!.prompt!.tokens).toBeGreaterThan(0);
    expect(Object.keys(turn.latenciesMs.stages).length).toBeGreaterThan(0);
    expect(['complete', 'interrupted']).toContain(turn.reply!.outcome);
    expect(turn.latenciesMs.transcription).toBeGreaterThan(0);
    expect(turn.voice).not.toBeNull();
    const wav = readWav(entries[turn.audioFile!]!);
    expect(wav.sampleRateHz).toBe(16000);
    // The kept audio spans the detected speech (plus up to 200 ms of padding before it).
    expect(wav.samples.length / 16).toBeGreaterThanOrEqual(turn.user.durationMs - 20);
    expect(wav.samples.length / 16).toBeLessThanOrEqual(turn.user.durationMs + 250);
  }
  // On a slow machine the fixture's next turn may begin while a reply is still spoken: it is cut, as it should be.
  for (const turn of session!.turns.slice(0, 2)) expectWholeOrCutReply(turn.reply!.text, turn.reply!.outcome === 'interrupted', LISTENING_REPLY);
  expect(session!.turns[2]!.reply!.text).toBe(ENCOURAGING_REPLY);
  expect(session!.turns[2]!.reply!.outcome).toBe('complete');
  expect(session!.turns.map((t) => t.user.strategy)).toEqual(['neutral', 'neutral', 'encourage']);
  expect(session!.turns[0]!.user.deltaDb).toBeNull();
  expect(session!.turns[2]!.user.deltaDb).toBeGreaterThanOrEqual(3);
  expect(session!.turns[2]!.voice!.strategyPreset).toBe('encourage');

  // Wipe, confirmed: the log is empty and a new export holds no session.
  await page.getByTestId('wipe-log').click();
  await page.getByTestId('wipe-confirm').click();
  await expect(logged).toHaveAttribute('data-sessions', '0');
  await expect(logged).toHaveAttribute('data-turns', '0');
  await expect(page.getByTestId('study-last-action')).toContainText('Wiped the log of "example-pilot"');
  const empty = await download(page, 'export-log');
  expect(empty.name).toMatch(/\.json$/);
  expect((JSON.parse(strFromU8(empty.bytes)) as StudyExport).sessions).toEqual([]);
});

test('the baseline condition leaves the affect cues out of the prompt and speaks in the neutral voice', async ({ page }) => {
  const models = new ModelsPanel(page);
  await page.goto('/?study=/studies/example.json');
  for (const role of ['asr', 'llm', 'tts'] as const) await expect(models.model(role)).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  // P003 is the third participant: condition 3 of 3, the plain cascade with the neutral voice.
  await page.getByTestId('participant-id').fill('P003');
  await expect(page.getByTestId('assignment-preview')).toContainText('Condition: cascade');
  await page.getByTestId('start-participant').click();
  await page.getByTestId('consent-agree').check();
  await page.getByTestId('consent-start').click();
  expect(await page.evaluate(() => window.__es4r!.getState().settings)).toMatchObject({ answerPath: 'text', affectCuesInPrompt: false, empatheticVoice: false });
  await page.getByTestId('talk').click();
  await expect(page.getByTestId('end-screen')).toBeVisible({ timeout: DIALOGUE_TIMEOUT_MS });

  // The participant's own copy: no audio was kept, so plain JSON.
  const copy = await download(page, 'export-session');
  expect(copy.name).toMatch(/^example-pilot-P003-\d{8}T\d{6}Z\.json$/);
  const [session] = (JSON.parse(strFromU8(copy.bytes)) as StudyExport).sessions;
  expect(session).toMatchObject({ participantId: 'P003', condition: { id: 'cascade' }, audioKept: false });
  const turns = session!.turns;
  expect(turns.map((t) => t.audioFile)).toEqual([null, null, null]);
  // The third turn is still measured as encourage, but neither the prompt nor the voice hears of it.
  expect(turns[2]!.user.strategy).toBe('encourage');
  expect(turns.map((t) => t.reply!.text)).toEqual([LISTENING_REPLY, LISTENING_REPLY, LISTENING_REPLY]);
  expect(turns.map((t) => t.voice?.strategyPreset)).toEqual(['neutral', 'neutral', 'neutral']);
  expect(turns[2]!.voice!.styleSource).toBe('presets');
});

test('a full storage quota is reported, loses nothing, and saving resumes once there is room', async ({ page }) => {
  // Every IndexedDB put fails the way a full origin quota does, until the test makes room.
  await page.addInitScript(() => {
    const room = globalThis as unknown as { quotaFull: boolean };
    room.quotaFull = true;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (room.quotaFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  await page.goto('/?study=/studies/example.json');
  // P002 gets the speech-path condition: the hand-over waits for the speech path.
  await expect(page.getByTestId('speech-path')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await page.getByTestId('participant-id').fill('P002');
  await page.getByTestId('start-participant').click();
  await page.getByTestId('consent-agree').check();
  await page.getByTestId('consent-start').click();
  const problem = page.getByTestId('study-storage-problem');
  await expect(problem).toContainText("The browser's storage for this page is full: 1 log entry is held in this page only");
  await expect(problem).toContainText('Export the log now (the export includes the unsaved entries), then wipe');
  await page.getByTestId('end-conversation').click();
  await expect(page.getByTestId('end-screen')).toBeVisible();
  await page.getByTestId('back-to-setup').click();
  await expect(page.getByTestId('study-logged')).toHaveAttribute('data-sessions', '0');
  await expect(problem).toBeVisible();

  // The export holds the session all the same, ended by the participant.
  const exported = await download(page, 'export-log');
  const [session] = (JSON.parse(strFromU8(exported.bytes)) as StudyExport).sessions;
  expect(session).toMatchObject({ participantId: 'P002', condition: { id: 'es4r-speech' }, endReason: 'participant' });

  await page.evaluate(() => ((globalThis as unknown as { quotaFull: boolean }).quotaFull = false));
  await problem.getByRole('button', { name: 'Try saving again' }).click();
  await expect(problem).toHaveCount(0);
  await expect(page.getByTestId('study-logged')).toHaveAttribute('data-sessions', '1');
});

test('a speech-path condition the loaded pack cannot serve stops the hand-over, naming the condition and what is missing', async ({ page }) => {
  // The tiny pack as its manifest would be without an ES4R component.
  await page.route('**/models/manifest.json', async (route) => {
    const manifest = (await (await route.fetch()).json()) as { packs: Record<string, { components: Record<string, unknown> }> };
    delete manifest.packs['tiny']!.components['es4r'];
    await route.fulfill({ json: manifest });
  });
  await page.goto('/?study=/studies/example.json');
  await expect(page.getByTestId('speech-path')).toHaveAttribute('data-status', 'absent', { timeout: 120_000 });
  await page.getByTestId('participant-id').fill('P002');
  await expect(page.getByTestId('assignment-preview')).toContainText('Condition: es4r-speech');
  await page.getByTestId('start-participant').click();
  await expect(page.getByTestId('study-handover-problem')).toContainText('Condition "es4r-speech" needs ES4R\'s speech path, but the pack "tiny" has no ES4R component');
  await expect(page.getByTestId('consent')).toHaveCount(0);
  expect(await page.evaluate(() => window.__es4r!.getState().study.phase)).toBe('setup');

  // A text-path condition still runs on the same pack.
  await page.getByTestId('participant-id').fill('P001');
  await page.getByTestId('start-participant').click();
  await expect(page.getByTestId('consent')).toBeVisible();
});
