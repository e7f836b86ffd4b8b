import { SAMPLE_RATE_HZ } from '../../src/audio/dsp/constants';
import { burst, type BurstKind } from './bursts';
import { addNoise, echoOf, mixInto, type Room } from './room';
import { ASSISTANT_VOICE, atLevel, synthesize, USER_VOICE } from './syntheticSpeech';

/** The reply's level as played, and the user's at the microphone: a user at arm's length speaks about as loud as the voice plays. */
export const PLAYED_RMS_DB = -20;
export const USER_RMS_DB = -20;
/** The microphone's own noise. */
export const NOISE_RMS_DB = -65;
/** Bursts peak this high: louder than the speech around them. */
export const BURST_PEAK = 0.5;

const REPLY_TEXT = [
  'I hear you, and it makes sense that you feel that way after everything that happened this week.',
  'It sounds like you put a lot of yourself into that project, and you hoped someone would notice.',
  'When the people around us stay quiet, it is easy to wonder whether our work matters at all.',
  'Would you like to talk about what the project meant to you, or about how things are at work?',
].join(' ');
const USER_TEXTS = ['Wait, that is not what I meant at all.', 'Hold on, can I say something here?', 'No no, listen to me for a second.'];

/**
 * Every room of the benchmark: delays 5-250 ms, gains -30 to -6 dB, short and long reverberation, clocks drifting
 * both ways (or all at `driftPpm`: what drift costs the canceller).
 */
export function benchmarkRooms(driftPpm?: number): Room[] {
  const rooms: Room[] = [];
  let seed = 1;
  for (const delayMs of [5, 60, 150, 250]) {
    for (const gainDb of [-30, -18, -12, -6]) {
      rooms.push({ delayMs, gainDb, rt60Ms: seed % 2 ? 250 : 500, driftPpm: driftPpm ?? (seed % 3 === 0 ? -60 : 40), seed });
      seed++;
    }
  }
  return rooms;
}

export interface Scenario {
  name: string;
  /** The echo alone, the echo with bursts, the user cutting in 3-15 s into the reply, or in its first 1.5 s (before the delay is known). */
  kind: 'echo' | 'bursts' | 'cut' | 'earlyCut';
  room: Room;
  /** 16 kHz microphone signal and the reply played from its t = 0. */
  mic: Float32Array;
  played: Float32Array;
  /** Where the user's speech starts (its first 10 ms above -40 dB of its peak), if they speak. */
  userOnsetMs: number | null;
  /** The user's speech alone with the same noise, no echo: what the VAD would hear of them without speakers. */
  userAlone: Float32Array | null;
  /** Milliseconds during which the reply plays. */
  playbackMs: number;
}

let reply: Float32Array | null = null;
function replySignal(): Float32Array {
  reply ??= atLevel(synthesize(REPLY_TEXT, ASSISTANT_VOICE), PLAYED_RMS_DB);
  return reply;
}

/** First 10 ms window whose RMS is within 40 dB of the loudest window's. */
export function speechOnsetSample(signal: Float32Array): number {
  const window = SAMPLE_RATE_HZ / 100;
  const rms: number[] = [];
  for (let start = 0; start + window <= signal.length; start += window) {
    let sum = 0;
    for (let i = start; i < start + window; i++) sum += signal[i]! ** 2;
    rms.push(Math.sqrt(sum / window));
  }
  const peak = Math.max(...rms);
  return rms.findIndex((value) => value >= peak / 100) * window;
}

const samplesOf = (ms: number): number => Math.round((ms / 1000) * SAMPLE_RATE_HZ);

/** Before an early cut's reply the microphone has been listening this long (the first reply follows the user's first turn). */
export const EARLY_LEAD_IN_MS = 3000;

/** The user cuts into each room's reply this many times, one recording each. */
export const USER_CUTS = 3;

/**
 * The recordings of one room: the echo alone, the echo with bursts, the user speaking over the echo USER_CUTS times, and
 * once early. `userPitch`: espeak's -p for the user's voice (unset: its own, about the reply's F0).
 */
export function scenariosFor(room: Room, index: number, userPitch?: number): Scenario[] {
  const played = replySignal();
  const playbackMs = (played.length * 1000) / SAMPLE_RATE_HZ;
  const length = played.length + samplesOf(1500);
  const echo = echoOf(played, room, length);
  const withNoise = (signal: Float32Array, seed: number) => addNoise(signal, NOISE_RMS_DB, seed);
  const label = roomLabel(room);

  const withBursts = echo.slice();
  const kinds: BurstKind[] = ['cough', 'clap', 'knock', 'cough', 'knock', 'clap'];
  kinds.forEach((kind, k) => {
    const durationMs = kind === 'cough' ? 120 + ((index * 7 + k * 13) % 70) : kind === 'clap' ? 40 : 190;
    mixInto(withBursts, burst(kind, durationMs, BURST_PEAK, room.seed * 100 + k), samplesOf(1500 + k * 3300 + index * 90));
  });

  const withUser = (cut: number, early: boolean): Scenario => {
    const user = atLevel(synthesize(USER_TEXTS[(index + cut) % USER_TEXTS.length]!, USER_VOICE, userPitch), USER_RMS_DB);
    // An early cut's reply starts EARLY_LEAD_IN_MS into the recording, as the first reply follows the user's first turn.
    const leadIn = early ? samplesOf(EARLY_LEAD_IN_MS) : 0;
    // The user cuts in 3 to 15 s into the reply (early: 0.6 to 1.5 s), at a different point in each room and each cut.
    const userAt = leadIn + samplesOf(early ? 600 + ((index * 130) % 900) : 3000 + ((index * 770 + cut * 4100) % 12_000));
    const mic = new Float32Array(leadIn + length);
    mic.set(echo, leadIn);
    mixInto(mic, user, userAt);
    const alone = new Float32Array(leadIn + length);
    mixInto(alone, user, userAt);
    const seed = room.seed + 2 + cut * 1000;
    const playedFrom = new Float32Array(leadIn + played.length);
    playedFrom.set(played, leadIn);
    return {
      name: early ? `user over echo, early cut (${label})` : `user over echo, cut ${cut + 1} (${label})`,
      kind: early ? 'earlyCut' : 'cut',
      room,
      mic: withNoise(mic, seed),
      played: playedFrom,
      userOnsetMs: ((userAt + speechOnsetSample(user)) * 1000) / SAMPLE_RATE_HZ,
      userAlone: withNoise(alone, seed),
      playbackMs,
    };
  };

  return [
    echoOnlyScenario(room, echo),
    { name: `echo + bursts (${label})`, kind: 'bursts', room, mic: withNoise(withBursts, room.seed + 1), played, userOnsetMs: null, userAlone: null, playbackMs },
    ...Array.from({ length: USER_CUTS }, (_, cut) => withUser(cut, false)),
    withUser(USER_CUTS, true),
  ];
}

/** The room's echo of the reply alone, with the microphone's noise (`echo`: that echo, when already computed). */
export function echoOnlyScenario(room: Room, echo?: Float32Array): Scenario {
  const played = replySignal();
  const mic = addNoise(echo ?? echoOf(played, room, played.length + samplesOf(1500)), NOISE_RMS_DB, room.seed);
  return { name: `echo only (${roomLabel(room)})`, kind: 'echo', room, mic, played, userOnsetMs: null, userAlone: null, playbackMs: (played.length * 1000) / SAMPLE_RATE_HZ };
}

const roomLabel = (room: Room): string => `delay ${room.delayMs} ms, gain ${room.gainDb} dB, rt60 ${room.rt60Ms} ms, ${room.driftPpm} ppm`;

/** Headphones: the user's level at the microphone, against the reply played at PLAYED_RMS_DB. */
export const HEADPHONE_USER_RMS_DB = [-20, -26, -32, -38];
/** When the user cuts in, ms into the first reply (the gate has learned nothing before it). */
export const HEADPHONE_CUT_MS = [1500, 3000, 6000];

/** A cut-in with headphones: no echo reaches the microphone, only the user and the noise. */
export interface HeadphoneScenario {
  name: string;
  mic: Float32Array;
  played: Float32Array;
  userOnsetMs: number;
  userRmsDb: number;
  cutMs: number;
}

/** The user cutting into the reply over headphones, at each level and time (`userPitch`: as for scenariosFor). */
export function headphoneScenarios(userPitch?: number): HeadphoneScenario[] {
  const played = replySignal();
  const length = played.length + samplesOf(1500);
  return HEADPHONE_USER_RMS_DB.flatMap((userRmsDb, level) =>
    HEADPHONE_CUT_MS.map((cutMs, cut) => {
      const user = atLevel(synthesize(USER_TEXTS[(level + cut) % USER_TEXTS.length]!, USER_VOICE, userPitch), userRmsDb);
      const mic = new Float32Array(length);
      mixInto(mic, user, samplesOf(cutMs));
      return {
        name: `headphones, user at ${userRmsDb} dBFS, ${cutMs} ms into the reply`,
        mic: addNoise(mic, NOISE_RMS_DB, 7000 + level * 10 + cut),
        played,
        userOnsetMs: cutMs + (speechOnsetSample(user) * 1000) / SAMPLE_RATE_HZ,
        userRmsDb,
        cutMs,
      };
    }),
  );
}
