// `npm run bench:selfcheck -- [scale-lite|scale-default] [--only llm,asr,tts,speech_llm] [--fault] [--figures]`: the self-check at
// full depth on a scale pack (make it first: `npm run make:scale-pack -- lite`), in Node: onnxruntime-node's WebGPU EP
// on Chromium's SwiftShader against its CPU EP standing in for wasm. Per model it prints the decision, the evidence
// (the figures the tolerances in src/models/selfCheck/tolerances.ts rest on), the time and the process's peak RSS
// against the size of the files that run; with --fault it also checks that an injected WebGPU fault moves the model
// to its wasm dtype. Models are checked one at a time, each released before the next, as on a first visit.
// --figures instead prints, per model and dtype, every figure a limit rests on for a correct run and for the fault.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { measureFigures } from './bench/selfCheckFigureRuns';
import { whisperFamily } from '../src/models/asr/whisperFamily';
import type { GpuInfo } from '../src/models/device/gpuInfo';
import { llmFamily } from '../src/models/llm/llmFamily';
import { loadWithFallback, type ModelFamily } from '../src/models/loadModel';
import { fileRunsWith, parseManifest, type ModelComponent } from '../src/models/manifest';
import { cpuStandsForWasm } from '../src/models/selfCheck/cpuStandsForWasm';
import { withWebGpuFault } from '../src/models/selfCheck/injectFault';
import { kokoroFamily } from '../src/models/tts/kokoroFamily';

const MODELS_DIR = join(process.cwd(), 'public', 'models');
const SWIFTSHADER_DIR = process.env.CHROMIUM_LIB_DIR ?? '/usr/lib/chromium';
const ICD = join(SWIFTSHADER_DIR, 'vk_swiftshader_icd.json');

// onnxruntime-node's WebGPU EP reads the Vulkan driver variables only at process start: run again with them set.
if (!process.env.VK_ICD_FILENAMES) {
  if (!existsSync(ICD)) throw new Error(`no SwiftShader Vulkan driver at ${ICD} (install Debian's chromium, or set CHROMIUM_LIB_DIR)`);
  const run = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, VK_ICD_FILENAMES: ICD, LD_LIBRARY_PATH: [SWIFTSHADER_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') },
  });
  process.exit(run.status ?? 1);
}

const args = process.argv.slice(2);
const pack = args.find((arg) => !arg.startsWith('--') && args[args.indexOf(arg) - 1] !== '--only') ?? 'scale-lite';
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : ['llm', 'asr', 'tts', 'speech_llm'];
const withFault = args.includes('--fault');
const figures = args.includes('--figures');

/** SwiftShader offers no shader-f16: the LLM runs webgpuNoF16 (q4), as on a GPU without it. */
const NODE_SWIFTSHADER: GpuInfo = { adapterKey: 'node|swiftshader', isFallbackAdapter: true, shaderF16: false, maxBufferSizeBytes: 2 ** 31, maxStorageBufferBindingSizeBytes: 2 ** 30 };
const FAMILIES: Record<string, ModelFamily<object>> = { asr: whisperFamily as ModelFamily<object>, llm: llmFamily as ModelFamily<object>, speech_llm: llmFamily as ModelFamily<object>, tts: kokoroFamily as ModelFamily<object> };
const MB = 2 ** 20;

const manifest = parseManifest(JSON.parse(readFileSync(join(MODELS_DIR, 'manifest.json'), 'utf8')));
const components = manifest.packs[pack]?.components;
if (!components) throw new Error(`no pack ${pack} in the manifest`);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = `${MODELS_DIR}/`;

function bytesOf(component: ModelComponent, dtypes: readonly ModelComponent['dtype']['wasm'][]): number {
  return component.files.filter((file) => fileRunsWith(file, dtypes)).reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0);
}

let peakRssBytes = 0;
const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)), 50);

async function checkOnce(role: string, component: ModelComponent, fault: boolean): Promise<void> {
  const family = fault ? withWebGpuFault(cpuStandsForWasm(FAMILIES[role]!)) : cpuStandsForWasm(FAMILIES[role]!);
  peakRssBytes = process.memoryUsage().rss;
  const startRss = peakRssBytes;
  const startMs = performance.now();
  const loaded = await loadWithFallback(family, { modelId: component.modelId, dtypes: component.dtype, preference: 'auto', gpu: NODE_SWIFTSHADER }, () => {});
  const seconds = (performance.now() - startMs) / 1000;
  await family.dispose(loaded.model);
  const filesBytes = bytesOf(component, [component.dtype.webgpu, component.dtype.wasm]);
  const grownBytes = peakRssBytes - startRss;
  console.log(`${role}${fault ? ' (fault injected)' : ''}: ${loaded.device} ${JSON.stringify(loaded.dtype)}; ${loaded.selfCheck?.outcome ?? 'no check'}: ${loaded.selfCheck?.evidence ?? loaded.reason}`);
  console.log(`  ${seconds.toFixed(1)} s; peak RSS growth ${(grownBytes / MB).toFixed(0)} MB = ${(grownBytes / filesBytes).toFixed(2)} x the ${(filesBytes / MB).toFixed(0)} MB of files both runs load`);
}

const peakRss = { restart: () => (peakRssBytes = process.memoryUsage().rss), peak: () => peakRssBytes };

console.log(`bench:selfcheck on ${pack} (onnxruntime-node WebGPU on SwiftShader vs CPU), one model at a time`);
for (const role of only) {
  const component = components[role as 'asr'];
  if (!component || !FAMILIES[role]) continue;
  if (figures) {
    await measureFigures(role, component, cpuStandsForWasm(FAMILIES[role]!), peakRss);
    continue;
  }
  await checkOnce(role, component, false);
  if (withFault) await checkOnce(role, component, true);
}
clearInterval(sampler);
