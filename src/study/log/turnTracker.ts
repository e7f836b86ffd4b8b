// Follows snapshots of the store during a study session and turns them into turn records to write:
// pure (the caller passes the clock), so it is tested in Node with synthetic snapshots.
import type { AssistantTurn, Dialogue, UserTurn } from '../../conversation/dialogue';
import type { TurnSummary } from '../../state/dialogueSlice';
import type { SpeechSlice } from '../../state/speechSlice';
import type { TurnRecord, TurnVoiceRecord } from './records';

/** The parts of the store the log reads. */
export interface TrackedState {
  dialogue: Dialogue;
  turns: readonly TurnSummary[];
  replyTimingsMs: Readonly<Record<number, Record<string, number>>>;
  turnTimingsMs: Readonly<Record<number, Record<string, number>>>;
  transcribing: boolean;
  voice: SpeechSlice['voice'];
  lastTtfaMs: number | null;
}

export interface TrackerClock {
  /** Monotonic ms (performance.now on the page) for latencies. */
  nowMs: number;
  /** Wall-clock ms since the epoch (Date.now) for timestamps. */
  wallMs: number;
}

export interface SessionIdentity {
  studyId: string;
  sessionId: string;
  participantId: string;
  conditionId: string;
}

interface HeardTurn {
  heardAt: string;
  heardMs: number;
  transcriptionMs: number | null;
}

interface ReplyTrack {
  startedAt: string;
  firstTextMs: number | null;
  endedMs: number | null;
  endedAt: string | null;
  voice: TurnVoiceRecord | null;
  firstAudioMs: number | null;
}

export class TurnTracker {
  private transcribingSinceMs: number | null = null;
  private wasTranscribing = false;
  private previousVoice: TrackedState['voice'] = null;
  private previousTtfaMs: number | null = null;
  private readonly heard = new Map<number, HeardTurn>();
  private readonly replies = new Map<number, ReplyTrack>();
  private readonly written = new Map<number, string>();

  /** `initial` is the store when the session starts: its voice and time to first audio belong to no reply of this session. */
  constructor(
    private readonly session: SessionIdentity,
    initial: Pick<TrackedState, 'voice' | 'lastTtfaMs'>,
  ) {
    this.previousVoice = initial.voice;
    this.previousTtfaMs = initial.lastTtfaMs;
  }

  /** Records new or changed since the last call; a reply still streaming is written once, then again when it ends. */
  observe(state: TrackedState, clock: TrackerClock): TurnRecord[] {
    this.follow(state, clock);
    return this.records(state).filter((record) => {
      const serialized = JSON.stringify(record);
      const previous = this.written.get(record.turnNumber);
      if (previous === serialized || (previous !== undefined && record.reply?.outcome === 'streaming')) return false;
      this.written.set(record.turnNumber, serialized);
      return true;
    });
  }

  /** Every record as it stands, streaming replies included: what the session's end writes. */
  records(state: TrackedState): TurnRecord[] {
    const records: TurnRecord[] = [];
    state.dialogue.turns.forEach((turn, index) => {
      if (turn.kind !== 'user') return;
      const next = state.dialogue.turns[index + 1];
      records.push(this.recordOf(turn, next?.kind === 'assistant' ? next : null, records.length + 1, state));
    });
    return records;
  }

  private follow(state: TrackedState, { nowMs, wallMs }: TrackerClock): void {
    if (state.transcribing && !this.wasTranscribing) this.transcribingSinceMs = nowMs;
    this.wasTranscribing = state.transcribing;
    const at = new Date(wallMs).toISOString();
    let latestReply: number | null = null;
    for (const turn of state.dialogue.turns) {
      if (turn.kind === 'user') {
        if (this.heard.has(turn.id)) continue;
        const transcriptionMs = this.transcribingSinceMs === null ? null : nowMs - this.transcribingSinceMs;
        this.heard.set(turn.id, { heardAt: at, heardMs: nowMs, transcriptionMs });
        this.transcribingSinceMs = state.transcribing ? this.transcribingSinceMs : null;
        continue;
      }
      latestReply = turn.id;
      let track = this.replies.get(turn.id);
      if (!track) {
        track = { startedAt: at, firstTextMs: null, endedMs: null, endedAt: null, voice: null, firstAudioMs: null };
        this.replies.set(turn.id, track);
      }
      if (track.firstTextMs === null && turn.text.length > 0) track.firstTextMs = nowMs;
      if (track.endedMs === null && !turn.streaming) {
        track.endedMs = nowMs;
        track.endedAt = at;
      }
    }
    // The voice and the time to first audio are announced for the reply being spoken: the latest one.
    const latest = latestReply === null ? undefined : this.replies.get(latestReply);
    if (state.voice !== this.previousVoice && state.voice !== null && latest) {
      latest.voice = { strategyPreset: state.voice.strategy, speed: state.voice.speed, styleSource: state.voice.styleSource };
    }
    if (state.lastTtfaMs !== this.previousTtfaMs && state.lastTtfaMs !== null && latest) latest.firstAudioMs = state.lastTtfaMs;
    this.previousVoice = state.voice;
    this.previousTtfaMs = state.lastTtfaMs;
  }

  private recordOf(turn: UserTurn, reply: AssistantTurn | null, turnNumber: number, state: TrackedState): TurnRecord {
    const heard = this.heard.get(turn.id);
    const track = reply ? this.replies.get(reply.id) : undefined;
    const summary = state.turns.find((t) => t.startMs === turn.startMs && t.endMs === turn.endMs);
    const sinceHeard = (ms: number | null | undefined) => (ms == null || !heard ? null : ms - heard.heardMs);
    return {
      ...this.session,
      turnNumber,
      heardAt: heard?.heardAt ?? '',
      user: {
        transcript: turn.transcript,
        startMs: turn.startMs,
        endMs: turn.endMs,
        durationMs: turn.durationMs,
        energyDb: turn.energyDb,
        frameEnergyDb: summary ? [...summary.frameEnergyDb] : [],
        deltaDb: turn.deltaDb,
        strategy: turn.strategy,
        cues: turn.cues,
      },
      reply:
        reply && track
          ? {
              text: reply.text,
              outcome: reply.streaming ? 'streaming' : reply.failed ? 'failed' : reply.interrupted ? 'interrupted' : 'complete',
              path: reply.route?.path ?? null,
              route: reply.route,
              prompt: reply.prompt,
              startedAt: track.startedAt,
              endedAt: track.endedAt,
            }
          : null,
      voice: track?.voice ?? null,
      latenciesMs: {
        transcription: heard?.transcriptionMs ?? null,
        firstReplyText: sinceHeard(track?.firstTextMs),
        reply: sinceHeard(track?.endedMs),
        firstAudio: track?.firstAudioMs ?? null,
        stages: { ...prefixed('asr', state.turnTimingsMs[turn.id]), ...(reply ? state.replyTimingsMs[reply.id] : {}) },
      },
    };
  }
}

/** The ASR worker's stage names, kept apart from the reply's: asr.encoder, asr.decoder, ... */
function prefixed(stage: string, timingsMs: Record<string, number> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(timingsMs ?? {}).map(([name, ms]) => [`${stage}.${name}`, ms]));
}
