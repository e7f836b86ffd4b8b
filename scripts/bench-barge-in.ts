// Barge-in over simulated rooms: false barge-ins from echo and bursts, missed barge-ins, and the duck and confirm latencies.
import { FADE_OUT_MS, DUCK_RAMP_MS } from '../src/audio/playback/playerCore';
import { SileroVad } from '../src/models/vad/sileroVad';
import { analyzeBargeIn } from '../src/turns/bargeIn/analyzeBargeIn';
import { loadVadModel } from './cli/loadVadModel';
import { benchmarkRooms, scenariosFor, type Scenario } from './bargeIn/scenarios';

/** A confirmation this long after the user's onset no longer counts as theirs. */
const ATTRIBUTION_MS = 2000;

const quantile = (values: number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

interface Tally {
  playbackMs: number;
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
}

async function run(vad: SileroVad, scenario: Scenario, tally: Tally): Promise<void> {
  let vadOnsetMs: number | null = null;
  const userOnset = scenario.userOnsetMs;
  const result = await analyzeBargeIn(
    { samples: scenario.mic, sampleRateHz: 16000 },
    { samples: scenario.played, sampleRateHz: 16000 },
    {
      vad,
      onEvent: (event) => {
        if (event.type === 'vad' && userOnset !== null && vadOnsetMs === null && event.atMs >= userOnset && event.probability >= 0.5) vadOnsetMs = event.atMs;
      },
    },
  );
  tally.playbackMs += scenario.playbackMs;
  if (userOnset === null) {
    const isBursts = scenario.name.startsWith('echo + bursts');
    if (isBursts) tally.falseFromBursts += result.bargeIns.length;
    else {
      tally.falseFromEcho += result.bargeIns.length;
      tally.echoDucks += result.ducks.length;
      tally.echoTurnsKept += result.turns.length;
    }
    if (result.bargeIns.length > 0) console.error(`  false: ${scenario.name}: ${JSON.stringify(result.bargeIns)}`);
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
  const duck = result.ducks.find((d) => d.atMs >= userOnset);
  if (duck) {
    tally.duckAfterSpeechMs.push(duck.atMs + DUCK_RAMP_MS - userOnset);
    if (vadOnsetMs !== null) tally.duckAfterVadMs.push(duck.atMs + DUCK_RAMP_MS - vadOnsetMs);
  }
}

const vad = await SileroVad.create(loadVadModel());
const tally: Tally = {
  playbackMs: 0, falseFromEcho: 0, falseFromBursts: 0, falseOverUser: 0, userScenarios: 0, missed: [], echoDucks: 0,
  duckAfterVadMs: [], duckAfterSpeechMs: [], confirmAfterSpeechMs: [], stopAfterSpeechMs: [], echoTurnsKept: 0,
};
const startedMs = performance.now();
const rooms = benchmarkRooms();
for (const [index, room] of rooms.entries()) {
  for (const scenario of scenariosFor(room, index)) await run(vad, scenario, tally);
  process.stderr.write(`bench:barge-in: room ${index + 1}/${rooms.length} done\n`);
}
await vad.release();

const perTenMinutes = (count: number): string => ((count * 600_000) / tally.playbackMs).toFixed(2);
const p = (values: number[]): string => `p50 ${quantile(values, 0.5).toFixed(0)} ms, p90 ${quantile(values, 0.9).toFixed(0)} ms (n=${values.length})`;
const falseTotal = tally.falseFromEcho + tally.falseFromBursts + tally.falseOverUser;
console.log(`bench:barge-in: ${rooms.length} rooms, ${(tally.playbackMs / 60_000).toFixed(1)} min of playback, ${((performance.now() - startedMs) / 1000).toFixed(0)} s`);
console.log(`false barge-ins per 10 min of playback: ${perTenMinutes(falseTotal)} (echo alone ${tally.falseFromEcho}, bursts ${tally.falseFromBursts}, before the user spoke ${tally.falseOverUser})`);
console.log(`ducks on echo alone: ${tally.echoDucks}; echo turns kept as the user's: ${tally.echoTurnsKept}`);
console.log(`missed barge-ins: ${tally.missed.length} of ${tally.userScenarios}${tally.missed.map((name) => `\n  missed: ${name}`).join('')}`);
console.log(`VAD onset -> voice ducked: ${p(tally.duckAfterVadMs)}`);
console.log(`speech onset -> voice ducked: ${p(tally.duckAfterSpeechMs)}`);
console.log(`speech onset -> confirmed: ${p(tally.confirmAfterSpeechMs)}`);
console.log(`speech onset -> voice stopped: ${p(tally.stopAfterSpeechMs)}`);
