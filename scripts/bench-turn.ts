// `npm run bench:turn`: the turn's latency budget, from the end of the user's speech to the first reply audio, split by
// stage, for our pipeline and, side by side in the same run, the plain transformers.js recipe on the same models.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnswerPath } from './../src/conversation/dialogue';
import { packRemedy } from '../src/models/runtime/packRemedy';
import { CliError, EXIT_ENVIRONMENT } from './cli/cliError';
import { parseCliArgs, usageError } from './cli/parseCliArgs';
import { runCli } from './cli/runCli';
import { readManifestFile } from './models/manifestFile';
import { DEFAULT_MODELS_DIR } from './models/paths';
import { formatPlace, type PlaceReport } from './bench/turnBudget/placeReport';
import { turnAudio } from './bench/turnBudget/turnAudio';

const USAGE =
  'npm run -s bench:turn -- [--pack scale-lite] [--turns 10] [--path text|speech] [--where node|page|both] [--device wasm|webgpu] ' +
  '[--reply-tokens 64] [--gap-s 45] [--port 5192] [--speculation on|off] [--first-chunk-priority on|off] [--app dist|dev] [--profile-cpu] [--json]\n' +
  '  --json prints only JSON: one place\'s report ({"pack","device","turns":[...],"p50Ms","p90Ms","talkToListeningMs","peakMemoryMb",\n' +
  '  "plain":{"p50Ms","p90Ms"},"ratioP50",...}), or with --where both {"node":{...},"page":{...}}.\n' +
  '  --path defaults to speech when the pack has ES4R\'s speech path; --gap-s is the silence after each spoken turn (8 s for\n' +
  '  tiny, else 45: the page hears it in real time, and it must outlast the reply\'s first audio); --device webgpu uses\n' +
  '  onnxruntime-node\'s WebGPU EP in Node (SwiftShader here) and WebGPU in the page; --speculation off (Node only) starts each\n' +
  '  turn\'s work when the end-of-turn wait is over, to measure what the speculative end of turn hides; --first-chunk-priority\n' +
  '  off (Node only) lets the LLM go on decoding while the reply\'s first chunk is synthesized. The plain recipe alternates\n' +
  '  with ours turn by turn in Node; in the page it runs after ours, in its own bench page over the same recording. In the\n' +
  '  page ours runs the production build, which the bench builds and serves on --port + 1 (--app dev: the dev server\'s\n' +
  '  modules, React in development mode); --profile-cpu logs each page and worker thread\'s sampled busy time over our turns.';

const WHERE = ['node', 'page', 'both'] as const;

/** The Vulkan loader's driver manifests: a GPU machine's own driver (NVIDIA, Mesa) lists itself there. */
const VULKAN_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'];

function hasSystemVulkanDriver(): boolean {
  return VULKAN_ICD_DIRS.some((dir) => existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.json')));
}

/**
 * onnxruntime-node's WebGPU EP reads its Vulkan driver from the environment at process start (as test:webgpu-node does):
 * without a driver of the system's own, Chromium's SwiftShader is given in a child process.
 */
function rerunWithVulkan(): boolean {
  if (process.env.VK_ICD_FILENAMES || hasSystemVulkanDriver()) return false;
  const libDir = process.env.CHROMIUM_LIB_DIR ?? '/usr/lib/chromium';
  const icd = join(libDir, 'vk_swiftshader_icd.json');
  if (!existsSync(icd)) return false;
  const env = { ...process.env, LD_LIBRARY_PATH: [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), VK_ICD_FILENAMES: icd };
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  process.exitCode = child.status ?? 1;
  return true;
}

async function main(): Promise<void> {
  const { values } = parseCliArgs({
    usage: USAGE,
    positionals: [],
    options: {
      pack: { type: 'string', default: 'scale-lite' },
      turns: { type: 'string', default: '10' },
      path: { type: 'string' },
      where: { type: 'string', default: 'both' },
      device: { type: 'string', default: 'wasm' },
      'reply-tokens': { type: 'string', default: '64' },
      'gap-s': { type: 'string' },
      port: { type: 'string', default: '5192' },
      speculation: { type: 'string', default: 'on' },
      'first-chunk-priority': { type: 'string', default: 'on' },
      'profile-cpu': { type: 'boolean', default: false },
      app: { type: 'string', default: 'dist' },
      json: { type: 'boolean', default: false },
    },
  });
  const integer = (name: string, value: string, min: number) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min) throw usageError(USAGE, `--${name} must be an integer >= ${min}, got "${value}"`);
    return parsed;
  };
  const turns = integer('turns', values.turns, 1);
  const replyTokens = integer('reply-tokens', values['reply-tokens'], 1);
  const port = integer('port', values.port, 1);
  const where = values.where as (typeof WHERE)[number];
  if (!WHERE.includes(where)) throw usageError(USAGE, `--where must be node, page or both, got "${values.where}"`);
  const device = values.device;
  if (device !== 'wasm' && device !== 'webgpu') throw usageError(USAGE, `--device must be wasm or webgpu, got "${device}"`);
  if (values.path !== undefined && values.path !== 'text' && values.path !== 'speech') throw usageError(USAGE, `--path must be text or speech, got "${values.path}"`);
  if (values.speculation !== 'on' && values.speculation !== 'off') throw usageError(USAGE, `--speculation must be on or off, got "${values.speculation}"`);
  const speculate = values.speculation === 'on';
  const priority = values['first-chunk-priority'];
  if (priority !== 'on' && priority !== 'off') throw usageError(USAGE, `--first-chunk-priority must be on or off, got "${priority}"`);
  const firstChunkPriority = priority === 'on';
  const pack = values.pack;
  if (values.app !== 'dist' && values.app !== 'dev') throw usageError(USAGE, `--app must be dist or dev, got "${values.app}"`);
  const app = values.app;
  // The page's first audio takes ~5 s on the tiny pack and 20-40 s on scale-lite (2 cores, wasm); the gap must outlast it.
  const gapS = values['gap-s'] !== undefined ? integer('gap-s', values['gap-s'], 1) : pack === 'tiny' ? 8 : 45;

  const manifest = await readManifestFile(join(DEFAULT_MODELS_DIR, 'manifest.json'));
  if (!manifest.packs[pack]) throw new CliError(`no pack "${pack}" in the manifest (packs: ${Object.keys(manifest.packs).join(', ')}). ${packRemedy(pack)}.`, EXIT_ENVIRONMENT);
  if (device === 'webgpu' && where !== 'page' && rerunWithVulkan()) return;
  const components = manifest.packs[pack].components;
  const { es4r, speech_llm: speechLlm } = components;
  const answerPath: AnswerPath = (values.path as AnswerPath | undefined) ?? (es4r && speechLlm ? 'speech' : 'text');
  const log = (line: string) => process.stderr.write(`bench:turn: ${line}\n`);
  const audio = turnAudio(turns, gapS);
  log(`${turns} turn(s) of synthetic speech with ${gapS} s gaps: ${audio.wavPath}`);

  const reports: Partial<Record<'node' | 'page', PlaceReport>> = {};
  // Loaded only now: the runtimes and the browser driver take seconds to import, which a usage error should not wait for.
  if (where !== 'page') reports.node = await (await import('./bench/turnBudget/nodePlace')).benchInNode({ pack, components, device, answerPath, replyTokens, speculate, firstChunkPriority, audio, log });
  if (where !== 'node') reports.page = await (await import('./bench/turnBudget/pagePlace')).benchInPage({ pack, components, device, answerPath, replyTokens, audio, port, profileCpu: values['profile-cpu'], app, log });
  if (values.json) {
    const json = where === 'both' ? reports : reports[where];
    process.stdout.write(`${JSON.stringify(json)}\n`);
    return;
  }
  process.stdout.write(`${Object.values(reports).map(formatPlace).join('\n\n')}\n`);
}

await runCli('bench:turn', main);
