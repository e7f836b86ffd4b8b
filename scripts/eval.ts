// `npm run eval`: converse's pipeline over a set of recorded dialogues, under one or more conditions, with the paper's
// automatic metrics against reference replies (docs/evaluation.md). Bad lines and unreadable WAVs are reported and skipped.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WavAudio } from '../src/audio/wav/readWav';
import { errorMessage } from '../src/errorMessage';
import { SileroVad } from '../src/models/vad/sileroVad';
import { parseStudyFileText } from '../src/study/studyFile';
import { CliError, EXIT_BAD_INPUT } from './cli/cliError';
import { converseRecording } from './cli/converseRecording';
import { loadPackInNode } from './cli/loadPackInNode';
import { loadVadModel } from './cli/loadVadModel';
import { loadWav } from './cli/loadWav';
import { parseCliArgs } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { conditionsFromFlags, conditionsFromStudy, type EvalCondition } from './eval/conditions';
import { joinTurnWavs } from './eval/dialogueAudio';
import { parseDialogueSet, type DialogueSpec } from './eval/dialogueSet';
import { comparisonTable, dialogueLines, evalMetrics, type EvalConditionResult, type EvalReply } from './eval/evalReport';
import { missingSpeechComponents } from './eval/packSpeechPath';

const USAGE =
  'npm run -s eval -- <dialogues.jsonl> [--pack tiny|default|...] [--path speech|text|speech,text] [--no-dual-attention] [--no-cross-attention] [--no-affect-cues] [--conditions study.json] [--out DIR] [--json]';

interface ReadyDialogue {
  spec: DialogueSpec;
  audio: WavAudio;
}

/** The dialogue's recording, or null after reporting why it cannot be run. */
function readDialogue(spec: DialogueSpec, report: (problem: string) => void): ReadyDialogue | null {
  const where = `line ${spec.line} (${spec.id})`;
  try {
    const wavs = spec.audioPaths.map((path) => loadWav(path));
    if (wavs.length === 1) return { spec, audio: wavs[0]! };
    const joined = joinTurnWavs(wavs);
    if ('problem' in joined) {
      report(`${where}: ${joined.problem}`);
      return null;
    }
    return { spec, audio: joined.audio };
  } catch (error) {
    report(`${where}: ${errorMessage(error)}`);
    return null;
  }
}

await runCli('eval', async () => {
  const { values, positionals } = parseCliArgs({
    usage: USAGE,
    positionals: ['<dialogues.jsonl>'],
    options: {
      pack: { type: 'string', default: 'default' },
      path: { type: 'string' },
      'no-dual-attention': { type: 'boolean', default: false },
      'no-cross-attention': { type: 'boolean', default: false },
      'no-affect-cues': { type: 'boolean', default: false },
      conditions: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [setPath = ''] = positionals;
  const pack = String(values.pack);
  const problems: string[] = [];
  const report = (problem: string) => {
    problems.push(problem);
    process.stderr.write(`eval: ${setPath}: ${problem}\n`);
  };
  let setText: string;
  try {
    setText = readFileSync(setPath, 'utf8');
  } catch (error) {
    throw new CliError(`${setPath}: cannot read (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`, EXIT_BAD_INPUT);
  }
  const missing = await missingSpeechComponents(pack);
  const conditions: EvalCondition[] = values.conditions
    ? conditionsFromStudy(readStudyConditions(values.conditions), pack, missing)
    : conditionsFromFlags({ path: values.path, noDualAttention: values['no-dual-attention'], noCrossAttention: values['no-cross-attention'], noAffectCues: values['no-affect-cues'] }, pack, missing);
  const set = parseDialogueSet(setText, setPath);
  set.problems.forEach(report);
  const dialogues = set.dialogues.map((spec) => readDialogue(spec, report)).filter((d): d is ReadyDialogue => d !== null);
  if (dialogues.length === 0) throw new CliError(`${setPath}: no dialogue could be read (${problems.length} problem(s) above)`, EXIT_BAD_INPUT);

  const models = await loadPackInNode(pack, { withSpeechPath: conditions.some((c) => c.settings.answerPath === 'speech') });
  const vad = await SileroVad.create(loadVadModel());
  const results: EvalConditionResult[] = [];
  try {
    for (const condition of conditions) {
      const result: EvalConditionResult = { name: condition.name, settings: condition.settings, dialogues: [], overall: evalMetrics([]) };
      for (const { spec, audio } of dialogues) {
        process.stderr.write(`eval: ${condition.name}: ${spec.id}\n`);
        try {
          vad.reset();
          const { turns } = await converseRecording(audio, { models, vad, settings: condition.settings });
          const references = spec.references;
          if (references && references.length !== turns.length) {
            report(`line ${spec.line} (${spec.id}): ${turns.length} user turn(s) heard under "${condition.name}" but ${references.length} reference(s); replies without a reference are not scored against one`);
          }
          const replies: EvalReply[] = turns.map((turn, index) => ({
            turn: index + 1,
            transcript: turn.transcript,
            text: turn.reply,
            reference: references?.[index] ?? null,
            route: turn.route,
            promptTokens: turn.prompt?.tokens ?? null,
            timingsMs: turn.timingsMs,
          }));
          result.dialogues.push({ id: spec.id, replies, metrics: evalMetrics(replies) });
        } catch (error) {
          report(`line ${spec.line} (${spec.id}) under "${condition.name}": ${errorMessage(error)}`);
        }
      }
      result.overall = evalMetrics(result.dialogues.flatMap((d) => d.replies));
      results.push(result);
    }
  } finally {
    await vad.release();
    await models.release();
  }

  const document = { pack, set: setPath, conditions: results, problems };
  const table = comparisonTable(results);
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'eval.json'), `${JSON.stringify(document, null, 2)}\n`);
    writeFileSync(join(values.out, 'table.md'), `${table}\n`);
    process.stderr.write(`eval: wrote ${join(values.out, 'eval.json')} and ${join(values.out, 'table.md')}\n`);
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(document)}\n`);
    return;
  }
  const perCondition = results.flatMap((r) => [`${r.name} (answer path ${r.settings.answerPath}):`, ...dialogueLines(r)]);
  process.stdout.write(`${[...perCondition, '', table, ...(problems.length ? ['', `${problems.length} problem(s) reported above; those dialogues were skipped or scored in part.`] : [])].join('\n')}\n`);
});

function readStudyConditions(path: string) {
  try {
    return parseStudyFileText(readFileSync(path, 'utf8')).conditions;
  } catch (error) {
    throw new CliError(`${path}: ${errorMessage(error)}`, EXIT_BAD_INPUT);
  }
}
