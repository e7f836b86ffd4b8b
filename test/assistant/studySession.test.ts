// A study run whole, in Node, through the page's composition root: the researcher opens the study from the page's
// URL, a participant consents and talks to the turn limit, and the exported log holds what happened. IndexedDB is
// fake-indexeddb; the models are the tiny pack's, in process (see test/support/assistantHarness).
import 'fake-indexeddb/auto';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readWav } from '../../src/audio/wav/readWav';
import type { StudyExport } from '../../src/study/export/buildExport';
import { createHarness, useTinyModels, until } from '../support/assistantHarness';
import { MIC_RATE_HZ, openPage, say, utterance } from '../support/spokenTurns';

const models = useTinyModels();

describe('a study session on the tiny pack, whole, in Node', () => {
  it('P001 gets the first condition, talks to the turn limit; the settings come back and the export holds the session, its turns and their audio', async () => {
    const h = createHarness({ models: models.current, microphoneRateHz: MIC_RATE_HZ, href: 'http://assistant.test/?study=/studies/example.json' });
    onTestFinished(() => h.close());
    const { study, store } = h.assistant;
    study.start();
    await until(() => store.getState().study.file !== null, 'the study file to open');
    await openPage(h, {}, false);
    const settingsBefore = store.getState().settings;

    study.generateParticipantId();
    expect(store.getState().study.participantId).toBe('P001');
    study.showConsent();
    expect(store.getState().study).toMatchObject({ phase: 'consent', condition: { id: 'es4r-text' } });
    study.startConversation(true);
    expect(store.getState().settings).toMatchObject({ answerPath: 'text', affectCuesInPrompt: true, empatheticVoice: true });
    await h.assistant.listening.start();

    await say(h, -12);
    await say(h, -12);
    // The third turn reaches the limit: its reply is written and spoken, then the session ends.
    h.microphone.hear(utterance(0));
    await until(() => store.getState().study.phase === 'ended' && store.getState().study.logged.sessions === 1, 'the session to end at the turn limit and be saved');
    const after = store.getState();
    expect(after.study.endReason).toBe('turnLimit');
    expect(after.settings).toEqual(settingsBefore);
    expect(after.dialogue.turns).toHaveLength(0);
    expect(after.micStatus).toBe('idle');
    expect(after.study.logged).toMatchObject({ sessions: 1, turns: 3 });

    const exported = await study.exportLog('study');
    expect(exported?.fileName).toMatch(/^example-pilot-\d{8}T\d{6}Z\.zip$/);
    const entries = unzipSync(exported!.bytes);
    const log = JSON.parse(strFromU8(entries['log.json']!)) as StudyExport;
    expect(log.sessions).toHaveLength(1);
    const [session] = log.sessions;
    expect(session).toMatchObject({ participantId: 'P001', condition: { id: 'es4r-text' }, audioKept: true, endReason: 'turnLimit' });
    expect(session!.provenance.pack).toBe('tiny');
    expect(session!.turns.map((turn) => turn.turnNumber)).toEqual([1, 2, 3]);
    // -12, -12, 0 dB: the third turn is 12 dB over the mean of the first two, past tau = 3 dB.
    expect(session!.turns.map((turn) => turn.user.strategy)).toEqual(['neutral', 'neutral', 'encourage']);
    for (const turn of session!.turns) {
      expect(turn.reply!.path).toBe('text');
      const wav = readWav(entries[turn.audioFile!]!);
      expect(wav.sampleRateHz).toBe(16000);
      // The kept audio spans the detected speech, plus up to 200 ms of padding before it.
      expect(wav.samples.length / 16).toBeGreaterThanOrEqual(turn.user.durationMs - 20);
      expect(wav.samples.length / 16).toBeLessThanOrEqual(turn.user.durationMs + 250);
    }
  }, 300_000);
});
