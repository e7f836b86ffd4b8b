// Barge-in over simulated rooms: false barge-ins from echo and bursts, missed barge-ins, and the duck and confirm latencies.
import { FADE_OUT_MS, DUCK_RAMP_MS } from '../src/audio/playback/playerCore';
import { SileroVad } from '../src/models/vad/sileroVad';
import { analyzeBargeIn } from '../src/turns/bargeIn/analyzeBargeIn';
import { EchoGate, type ResidualPredictor } from '../src/turns/bargeIn/echoGate';
import { VAD_CHUNK_SAMPLES } from '../src/models/vad/vadContract';
import { LISTEN_BATCH_FRAMES } from '../src/turns/listenBatch';
import { loadVadModel } from './cli/loadVadModel';
import { parseCliArgs } from './cli/parseCliArgs';
import { measureCancellerCost } from './bargeIn/cancellerCost';
import { benchmarkRooms, echoOnlyScenario, HEADPHONE_CUT_MS, HEADPHONE_USER_RMS_DB, headphoneScenarios, scenariosFor, type HeadphoneScenario, type Scenario } from './bargeIn/scenarios';

/** A confirmation this long after the user's onset no longer counts as theirs. */
const ATTRIBUTION_MS = 2000;

const quantile = (values: number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

interface Tally {
  playbackMs: number;
  /** Playback of the echo-alone recordings, which the ducks on echo alone are counted over. */
  echoPlaybackMs: number;
  falseFromEcho: number;
  falseFromBursts: number;
  falseOverUser: number;
  userScenarios: number;
  missed: string[];
  echoDucks: number;
  duckAfterVadMs: number[];
  duckAfterSpeechMs: number[];
  confirmAfterSpeechMs: number[];
  stopAfterSpeechMs: number[];
  echoTurnsKept: number;
  /** The canceller's ERLE at the end of each echo-alone recording, by room echo gain. */
  erleDbByGain: Map<number, number[]>;
}

/**
 * The VAD's onset for the user: the end of the first chunk (on the microphone's chunk grid) at or after their speech
 * onset that the VAD scores >= 0.5 when it hears them alone, without the echo (over the echo it scores every chunk as
 * speech, so the mixture has no onset of the user's own). Null if the VAD never does within 2 s.
 */
async function vadOnsetAloneMs(vad: SileroVad, userAlone: Float32Array, userOnsetMs: number): Promise<number | null> {
  const onsetSample = (userOnsetMs * 16000) / 1000;
  // From half a second before the onset, on the chunk grid: the VAD's state settles on the noise first.
  let start = Math.max(0, Math.floor((onsetSample - 8000) / VAD_CHUNK_SAMPLES) * VAD_CHUNK_SAMPLES);
  vad.reset();
  for (; start + VAD_CHUNK_SAMPLES <= Math.min(userAlone.length, onsetSample + 32000); start += VAD_CHUNK_SAMPLES) {
    const probability = await vad.probability(userAlone.slice(start, start + VAD_CHUNK_SAMPLES));
    const endMs = ((start + VAD_CHUNK_SAMPLES) * 1000) / 16000;
    if (endMs >= userOnsetMs && probability >= 0.5) return endMs;
  }
  return null;
}

async function run(vad: SileroVad, scenario: Scenario, tally: Tally): Promise<void> {
  const userOnset = scenario.userOnsetMs;
  const vadOnsetMs = userOnset !== null && scenario.userAlone ? await vadOnsetAloneMs(vad, scenario.userAlone, userOnset) : null;
  const result = await analyzeBargeIn({ samples: scenario.mic, sampleRateHz: 16000 }, { samples: scenario.played, sampleRateHz: 16000 }, { vad, batchFrames, gate, bargeIn });
  tally.playbackMs += scenario.playbackMs;
  if (userOnset === null) {
    const isBursts = scenario.kind === 'bursts';
    if (isBursts) tally.falseFromBursts += result.bargeIns.length;
    else {
      tally.falseFromEcho += result.bargeIns.length;
      tally.echoDucks += result.ducks.length;
      tally.echoPlaybackMs += scenario.playbackMs;
      tally.echoTurnsKept += result.turns.length;
      const erle = tally.erleDbByGain.get(scenario.room.gainDb) ?? [];
      tally.erleDbByGain.set(scenario.room.gainDb, [...erle, result.canceller.erleDb]);
    }
    if (result.bargeIns.length > 0) console.error(`  false: ${scenario.name}: ${JSON.stringify(result.bargeIns)}`);
    if (details && !isBursts) console.error(`  ${result.ducks.length} ducks: ${scenario.name}`);
    return;
  }
  tally.userScenarios++;
  const early = result.bargeIns.filter((b) => b.confirmedMs < userOnset);
  tally.falseOverUser += early.length;
  const hit = result.bargeIns.find((b) => b.confirmedMs >= userOnset && b.confirmedMs <= userOnset + ATTRIBUTION_MS);
  if (!hit) {
    tally.missed.push(scenario.name);
    return;
  }
  tally.confirmAfterSpeechMs.push(hit.confirmedMs - userOnset);
  tally.stopAfterSpeechMs.push(hit.confirmedMs + FADE_OUT_MS - userOnset);
  // The first duck in force at or after the onset (one already in force counts from before it: the voice was ducked).
  const duck = result.ducks.find((d) => d.restoredMs === null || d.restoredMs > userOnset);
  if (duck) {
    tally.duckAfterSpeechMs.push(duck.atMs + DUCK_RAMP_MS - userOnset);
    if (vadOnsetMs !== null) tally.duckAfterVadMs.push(duck.atMs + DUCK_RAMP_MS - vadOnsetMs);
  }
  if (details) {
    const duckMs = duck ? (duck.atMs + DUCK_RAMP_MS - (vadOnsetMs ?? Number.NaN)).toFixed(0) : '-';
    console.error(`  user at ${userOnset.toFixed(0)} ms, VAD onset +${((vadOnsetMs ?? Number.NaN) - userOnset).toFixed(0)}: ducked ${duckMs} ms after the VAD onset, stopped ${(hit.confirmedMs + FADE_OUT_MS - userOnset).toFixed(0)} ms after the speech onset: ${scenario.name}`);
  }
}

/** Speech onset -> voice stopped for a cut-in, or null when it was never confirmed; false: confirmed before the user spoke. */
async function runCutIn(vad: SileroVad, scenario: Pick<HeadphoneScenario, 'name' | 'mic' | 'played' | 'userOnsetMs'>): Promise<{ stopMs: number | null; falseBargeIns: number }> {
  const result = await analyzeBargeIn({ samples: scenario.mic, sampleRateHz: 16000 }, { samples: scenario.played, sampleRateHz: 16000 }, { vad, batchFrames, gate, bargeIn });
  const onset = scenario.userOnsetMs;
  const hit = result.bargeIns.find((b) => b.confirmedMs >= onset && b.confirmedMs <= onset + ATTRIBUTION_MS);
  const stopMs = hit ? hit.confirmedMs + FADE_OUT_MS - onset : null;
  if (details) console.error(`  ${stopMs === null ? 'missed' : `stopped ${stopMs.toFixed(0)} ms after the speech onset`}: ${scenario.name}`);
  return { stopMs, falseBargeIns: result.bargeIns.filter((b) => b.confirmedMs < onset).length };
}

const USAGE = 'npm run -s bench:barge-in -- [--batch-frames N] [--confirm-margin-db DB] [--onset-frames N] [--residual-predictor reference|estimate] [--leak-quantile Q] [--confirm-leak-quantile Q] [--duck-tail-decay-db DB] [--one-band-margin-db DB] [--duck-one-band-margin-db DB] [--fill-holes on|off] [--learn-step-db DB] [--learn-updates N] [--unaligned-headroom-db DB] [--unaligned-learn-step-db DB] [--aligned-start-headroom-db DB] [--drift-ppm PPM] [--user-pitch P] [--details]';
const PREDICTORS: readonly ResidualPredictor[] = ['reference', 'estimate'];
function residualPredictorOf(name: string): ResidualPredictor {
  const predictor = PREDICTORS.find((known) => known === name);
  if (!predictor) throw new Error(`--residual-predictor takes ${PREDICTORS.join(', ')} (usage: ${USAGE})`);
  return predictor;
}
const { values } = parseCliArgs({
  usage: USAGE,
  positionals: [],
  options: {
    'batch-frames': { type: 'string', default: String(LISTEN_BATCH_FRAMES) },
    'confirm-margin-db': { type: 'string' },
    'onset-frames': { type: 'string' },
    'residual-predictor': { type: 'string' },
    'one-band-margin-db': { type: 'string' },
    'leak-quantile': { type: 'string' },
    'confirm-leak-quantile': { type: 'string' },
    'duck-tail-decay-db': { type: 'string' },
    'duck-one-band-margin-db': { type: 'string' },
    'fill-holes': { type: 'string' },
    'learn-step-db': { type: 'string' },
    'learn-updates': { type: 'string' },
    'unaligned-headroom-db': { type: 'string' },
    'unaligned-learn-step-db': { type: 'string' },
    'aligned-start-headroom-db': { type: 'string' },
    'drift-ppm': { type: 'string' },
    'user-pitch': { type: 'string' },
    details: { type: 'boolean', default: false },
  },
});
const batchFrames = Number(values['batch-frames']);
if (!(Number.isInteger(batchFrames) && batchFrames >= 1)) throw new Error(`--batch-frames must be a positive integer (usage: ${USAGE})`);
const details = values.details;
// Settings to sweep; unset ones keep the product's defaults.
const gate = {
  ...(values['confirm-margin-db'] === undefined ? {} : { confirmMarginDb: Number(values['confirm-margin-db']) }),
  ...(values['one-band-margin-db'] === undefined ? {} : { confirmOneBandMarginDb: Number(values['one-band-margin-db']) }),
  ...(values['duck-one-band-margin-db'] === undefined ? {} : { duckOneBandMarginDb: Number(values['duck-one-band-margin-db']) }),
  ...(values['leak-quantile'] === undefined ? {} : { leakQuantile: Number(values['leak-quantile']) }),
  ...(values['confirm-leak-quantile'] === undefined ? {} : { confirmLeakQuantile: Number(values['confirm-leak-quantile']) }),
  ...(values['duck-tail-decay-db'] === undefined ? {} : { duckEstimateTailDecayDbPerFrame: Number(values['duck-tail-decay-db']) }),
  ...(values['residual-predictor'] === undefined ? {} : { residualPredictor: residualPredictorOf(values['residual-predictor']) }),
  ...(values['learn-step-db'] === undefined ? {} : { learnStepDb: Number(values['learn-step-db']) }),
  ...(values['learn-updates'] === undefined ? {} : { learnUpdates: Number(values['learn-updates']) }),
  ...(values['unaligned-headroom-db'] === undefined ? {} : { unalignedHeadroomDb: Number(values['unaligned-headroom-db']) }),
  ...(values['unaligned-learn-step-db'] === undefined ? {} : { unalignedLearnStepDb: Number(values['unaligned-learn-step-db']) }),
  ...(values['aligned-start-headroom-db'] === undefined ? {} : { alignedStartHeadroomDb: Number(values['aligned-start-headroom-db']) }),
};
const fillHoles = values['fill-holes'];
if (fillHoles !== undefined && fillHoles !== 'on' && fillHoles !== 'off') throw new Error(`--fill-holes takes on or off (usage: ${USAGE})`);
const bargeIn = {
  ...(values['onset-frames'] === undefined ? {} : { onsetFrames: Number(values['onset-frames']) }),
  ...(fillHoles === undefined ? {} : { fillHoles: fillHoles === 'on' }),
};
// Infinity switches the one-band duck off.
if (gate.duckOneBandMarginDb !== undefined && Number.isNaN(gate.duckOneBandMarginDb)) throw new Error(`--duck-one-band-margin-db takes a number or Infinity (usage: ${USAGE})`);
if ([gate.confirmMarginDb, gate.confirmOneBandMarginDb, gate.leakQuantile, gate.learnStepDb, gate.learnUpdates, gate.unalignedHeadroomDb, gate.unalignedLearnStepDb, gate.alignedStartHeadroomDb, gate.confirmLeakQuantile, gate.duckEstimateTailDecayDbPerFrame, bargeIn.onsetFrames].some((value) => value !== undefined && !Number.isFinite(value))) throw new Error(`the margins, steps, quantiles and --onset-frames take numbers (usage: ${USAGE})`);
// The gate's own rules for its settings (quantiles, margins, decays), before minutes of running.
try {
  new EchoGate(gate);
} catch (error) {
  throw new Error(`${(error as Error).message} (usage: ${USAGE})`);
}

const vad = await SileroVad.create(loadVadModel());
const newTally = (): Tally => ({
  playbackMs: 0, echoPlaybackMs: 0, falseFromEcho: 0, falseFromBursts: 0, falseOverUser: 0, userScenarios: 0, missed: [], echoDucks: 0,
  duckAfterVadMs: [], duckAfterSpeechMs: [], confirmAfterSpeechMs: [], stopAfterSpeechMs: [], echoTurnsKept: 0, erleDbByGain: new Map(),
});
const tally = newTally();
const earlyCuts: { name: string; stopMs: number | null; falseBargeIns: number }[] = [];
const startedMs = performance.now();
const driftPpm = values['drift-ppm'] === undefined ? undefined : Number(values['drift-ppm']);
if (driftPpm !== undefined && !Number.isFinite(driftPpm)) throw new Error(`--drift-ppm takes a number (usage: ${USAGE})`);
// espeak's -p for the user's voice: unset, it speaks at about the reply's F0 (100 Hz); 85 gives about 140 Hz.
const userPitch = values['user-pitch'] === undefined ? undefined : Number(values['user-pitch']);
if (userPitch !== undefined && !(userPitch >= 0 && userPitch <= 99)) throw new Error(`--user-pitch takes 0-99 (usage: ${USAGE})`);
const rooms = benchmarkRooms(driftPpm);
for (const [index, room] of rooms.entries()) {
  for (const scenario of scenariosFor(room, index, userPitch)) {
    if (scenario.kind !== 'earlyCut') await run(vad, scenario, tally);
    else earlyCuts.push({ name: scenario.name, ...(await runCutIn(vad, { ...scenario, userOnsetMs: scenario.userOnsetMs! })) });
  }
  process.stderr.write(`bench:barge-in: room ${index + 1}/${rooms.length} done\n`);
}
// Speakers and microphone of one device share a clock: the echo alone once more without drift, where the canceller
// removes far more and what it leaves is judged against a smaller, less steady residual.
const oneClock = newTally();
if (driftPpm === undefined) {
  for (const room of benchmarkRooms(0)) await run(vad, echoOnlyScenario(room), oneClock);
  process.stderr.write(`bench:barge-in: one clock done\n`);
}
const headphoneStops = new Map<string, number | null>();
let headphoneFalse = 0;
for (const scenario of headphoneScenarios(userPitch)) {
  const { stopMs, falseBargeIns } = await runCutIn(vad, scenario);
  headphoneStops.set(`${scenario.userRmsDb}/${scenario.cutMs}`, stopMs);
  headphoneFalse += falseBargeIns;
}
process.stderr.write(`bench:barge-in: headphones done\n`);
await vad.release();
// The canceller's CPU on the longest room (250 ms, -6 dB), user speaking: the worst case for its cost is any playback.
const cost = measureCancellerCost(scenariosFor(rooms.at(-1)!, rooms.length - 1).filter((scenario) => scenario.kind === 'cut').at(-1)!, 80);

const perTenMinutes = (count: number): string => ((count * 600_000) / (tally.playbackMs + oneClock.playbackMs)).toFixed(2);
const p = (values: number[]): string =>
  `p50 ${quantile(values, 0.5).toFixed(0)} ms, p90 ${quantile(values, 0.9).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms (n=${values.length})`;
const falseFromEcho = tally.falseFromEcho + oneClock.falseFromEcho;
const falseTotal = falseFromEcho + tally.falseFromBursts + tally.falseOverUser;
console.log(`bench:barge-in: ${rooms.length} rooms, ${((tally.playbackMs + oneClock.playbackMs) / 60_000).toFixed(1)} min of playback, batches of ${batchFrames} frame(s), ${((performance.now() - startedMs) / 1000).toFixed(0)} s`);
console.log(`false barge-ins per 10 min of playback: ${perTenMinutes(falseTotal)} (echo alone ${falseFromEcho}, bursts ${tally.falseFromBursts}, before the user spoke ${tally.falseOverUser})`);
const perMinute = (count: number, playbackMs: number): string => ((count * 60_000) / playbackMs).toFixed(1);
console.log(`ducks on echo alone: ${tally.echoDucks} (${perMinute(tally.echoDucks, tally.echoPlaybackMs)} per min of playback)${oneClock.echoPlaybackMs > 0 ? `; with one clock for speakers and microphone (0 ppm): ${oneClock.echoDucks} (${perMinute(oneClock.echoDucks, oneClock.echoPlaybackMs)} per min), false barge-ins ${oneClock.falseFromEcho}` : ''}; echo turns kept as the user's: ${tally.echoTurnsKept}`);
console.log(`missed barge-ins: ${tally.missed.length} of ${tally.userScenarios}${tally.missed.map((name) => `\n  missed: ${name}`).join('')}`);
console.log(`VAD onset (user alone) -> voice ducked: ${p(tally.duckAfterVadMs)}`);
console.log(`speech onset -> voice ducked: ${p(tally.duckAfterSpeechMs)}`);
console.log(`speech onset -> confirmed: ${p(tally.confirmAfterSpeechMs)}`);
console.log(`speech onset -> voice stopped: ${p(tally.stopAfterSpeechMs)}`);
const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
console.log(`echo canceller ERLE at the end of the echo alone, by echo gain: ${[...tally.erleDbByGain].map(([gainDb, erle]) => `${gainDb} dB: ${mean(erle).toFixed(1)} dB`).join(', ')}`);
console.log(`echo canceller CPU: ${cost.cancellerMsPerS.toFixed(1)} ms per s of audio, plus ${cost.residualFeaturesMsPerS.toFixed(1)} ms per s for the features of the residual and of the echo estimate`);
const earlyStops = earlyCuts.flatMap(({ stopMs }) => (stopMs === null ? [] : [stopMs]));
const earlyMissed = earlyCuts.filter(({ stopMs }) => stopMs === null);
console.log(`early cut-ins (0.6-1.5 s into the first reply, before the delay is known; not in the goals): ${earlyStops.length} of ${earlyCuts.length} confirmed, false before the user spoke ${earlyCuts.reduce((sum, cut) => sum + cut.falseBargeIns, 0)}${earlyStops.length > 0 ? `; speech onset -> voice stopped: ${p(earlyStops)}` : ''}${earlyMissed.map(({ name }) => `\n  missed: ${name}`).join('')}`);
console.log(`headphones (no echo; the reply at -20 dBFS), speech onset -> voice stopped, by the user's level and when they cut in:`);
console.log(`  ${['user', ...HEADPHONE_CUT_MS.map((cutMs) => `at ${(cutMs / 1000).toFixed(1)} s`)].map((cell) => cell.padStart(10)).join('')}`);
for (const userRmsDb of HEADPHONE_USER_RMS_DB) {
  const cells = HEADPHONE_CUT_MS.map((cutMs) => headphoneStops.get(`${userRmsDb}/${cutMs}`) ?? null).map((stopMs) => (stopMs === null ? 'missed' : `${stopMs.toFixed(0)} ms`));
  console.log(`  ${[`${userRmsDb} dBFS`, ...cells].map((cell) => cell.padStart(10)).join('')}`);
}
console.log(`  false barge-ins before the user spoke: ${headphoneFalse}`);
const goals: [string, boolean][] = [
  ['0 false barge-ins from echo alone and from bursts', falseFromEcho + tally.falseFromBursts === 0],
  ['every barge-in confirmed', tally.missed.length === 0],
  ['every one ducked within 30 ms of its VAD onset', tally.duckAfterVadMs.length === tally.userScenarios && Math.max(...tally.duckAfterVadMs) <= 30],
  ['every one stopped within 300 ms of the speech onset', tally.stopAfterSpeechMs.length === tally.userScenarios && Math.max(...tally.stopAfterSpeechMs) <= 300],
];
for (const [goal, met] of goals) console.log(`goal ${met ? 'met' : 'NOT met'}: ${goal}`);
