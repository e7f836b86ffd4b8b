// Hand-made log records for the study tests.
import type { AudioRecord, SessionRecord, TurnRecord } from '../log/records';

export function sampleSession(studyId: string, participantId: string, startedAt = '2026-11-26T06:25:00.000Z'): SessionRecord {
  return {
    studyId,
    sessionId: `${participantId}_${startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`,
    participantId,
    condition: { id: 'es4r-text', answerPath: 'text', empatheticVoice: true, affectCuesInPrompt: true },
    settings: { answerPath: 'text', dualAttention: true, crossAttention: true, empatheticVoice: true, affectCuesInPrompt: true },
    assignmentRule: 'counterbalanced: participant number 1 -> condition 1 of 3',
    audioKept: true,
    startedAt,
    endedAt: null,
    endReason: null,
  };
}

export function sampleTurn(session: SessionRecord, turnNumber: number, transcript = `turn ${turnNumber}`): TurnRecord {
  const startMs = turnNumber * 5000;
  return {
    studyId: session.studyId,
    sessionId: session.sessionId,
    participantId: session.participantId,
    conditionId: session.condition.id,
    turnNumber,
    heardAt: '2026-11-26T06:25:10.000Z',
    user: {
      transcript,
      startMs,
      endMs: startMs + 1500,
      durationMs: 1500,
      energyDb: -20 + turnNumber,
      frameEnergyDb: [-21, -20, -19],
      deltaDb: turnNumber === 1 ? null : 1,
      strategy: 'neutral',
      cues: { wordCount: 2, wordsPerSecond: 1.3, relativeEnergyDb: null, pauseCount: 0, longestPauseMs: 0, strategy: 'neutral', deltaDb: null },
    },
    reply: { text: 'i hear you.', outcome: 'complete', path: 'text', route: null, prompt: { tokens: 212, prefilledTokens: 212, budgetTokens: 1920, droppedTurns: 0 }, startedAt: '2026-11-26T06:25:10.100Z', endedAt: '2026-11-26T06:25:10.400Z' },
    voice: { strategyPreset: 'neutral', speed: 1, styleSource: 'presets' },
    latenciesMs: { transcription: 120, firstReplyText: 80, reply: 300, firstAudio: 900, stages: { decodeMs: 200 } },
  };
}

/** A 440 Hz tone at half scale, so the WAV's samples can be checked after the round trip. */
export function sampleAudio(turn: TurnRecord, samples = 1600): AudioRecord {
  const pcm = new Float32Array(samples);
  for (let i = 0; i < samples; i++) pcm[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000);
  return { studyId: turn.studyId, sessionId: turn.sessionId, turnStartMs: turn.user.startMs, sampleRateHz: 16000, pcm };
}
