import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../manifest';
import type { GpuInfo } from './gpuInfo';
import { choosePackThatFits, planPack, RUNTIME_BASELINE_BYTES } from './memoryPlan';

const manifest = parseManifest(JSON.parse(readFileSync(join(process.cwd(), 'public', 'models', 'manifest.json'), 'utf8')));
const GPU: GpuInfo = { adapterKey: 'x', isFallbackAdapter: false, shaderF16: true, maxBufferSizeBytes: 2 ** 31, maxStorageBufferBindingSizeBytes: 2 ** 30 };
const GIB = 2 ** 30;

/** Peak Pss of the page and its workers on a first visit on wasm, by `npm run bench:first-visit` at a13cde6 and 4742f36 (the scale-lite runs spread 2459-2480 MB). */
const MEASURED_FIRST_VISIT_MIB: Record<string, number> = { tiny: 751, 'scale-lite': 2470, 'scale-default': 3847 };

describe('memory plan against measured first visits', () => {
  it.each(Object.entries(MEASURED_FIRST_VISIT_MIB))('%s on wasm: what loading holds is within a twentieth of the measured peak, and the plan with working memory above it', (pack, measuredMib) => {
    const plan = planPack(manifest, pack, { deviceMemoryBytes: 8 * GIB, gpu: null, preference: 'auto' });
    expect(plan.models.every((model) => model.device === 'wasm')).toBe(true);
    const loadingMib = (plan.peakCpuBytes - plan.models.reduce((sum, model) => sum + model.workingBytes, 0)) / 2 ** 20;
    expect(Math.abs(loadingMib / measuredMib - 1)).toBeLessThan(0.05);
    expect(plan.peakCpuBytes / 2 ** 20).toBeGreaterThan(measuredMib);
  });

  it('counts the runtime\'s baseline once, and the components that always run on wasm', () => {
    const plan = planPack(manifest, 'scale-lite', { deviceMemoryBytes: 8 * GIB, gpu: null, preference: 'auto' });
    expect(plan.models.map((model) => model.role).sort()).toEqual(['asr', 'es4r', 'llm', 'speech_llm', 'tts', 'vad']);
    const models = plan.models.reduce((sum, model) => sum + model.estimateBytes, 0);
    expect(plan.peakCpuBytes).toBe(RUNTIME_BASELINE_BYTES + models);
  });
});

describe('memory plan of the real packs', () => {
  it('counts the files each model runs on its device, and one self-check reference', () => {
    const plan = planPack(manifest, 'default', { deviceMemoryBytes: 8 * GIB, gpu: GPU, preference: 'auto' });
    const llm = plan.models.find((model) => model.role === 'llm')!;
    // WebGPU runs q4f16 only: the manifest's q4f16 file and the shared files, not the q4 one.
    const q4f16Bytes = manifest.packs.default!.components.llm.files.filter((file) => file.dtype !== 'q4').reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0);
    expect(llm).toMatchObject({ device: 'webgpu', filesBytes: q4f16Bytes });
    // Every model on WebGPU: the page holds the runtime's baseline, the voice detector and the largest wasm reference (the q4 LLM) at its peak.
    const reference = 1.3 * manifest.packs.default!.components.llm.files.filter((file) => file.dtype === 'q4').reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0);
    expect(plan.peakCpuBytes).toBeGreaterThan(RUNTIME_BASELINE_BYTES + reference);
    expect(plan.peakCpuBytes).toBeLessThan(RUNTIME_BASELINE_BYTES + reference + 0.3 * GIB);
    expect(plan.problems).toEqual([]);
  });

  it('counts a file whose size the hub does not list yet as the largest listed dtype of the same graph', () => {
    const plan = planPack(manifest, 'lite', { deviceMemoryBytes: 8 * GIB, gpu: null, preference: 'auto' });
    const files = manifest.packs.lite!.components.llm.files;
    expect(files.find((file) => file.dtype === 'int8')?.sizeBytes).toBeNull();
    // On wasm the lite LLM runs int8, listed without a size: it counts as its q4 file (the larger of q4 and q4f16).
    expect(plan.models.find((model) => model.role === 'llm')).toMatchObject({ device: 'wasm', filesBytes: files.find((file) => file.dtype === 'q4')!.sizeBytes });
  });

  it('says the quality pack needs WebGPU on wasm, and picks an installed pack that fits', () => {
    const noGpu = { deviceMemoryBytes: 8 * GIB, gpu: null, preference: 'auto' as const };
    const plan = planPack(manifest, 'quality', noGpu);
    expect(plan.needsWebGpu).toBe(true);
    expect(plan.problems.join()).toContain('too slow to converse on wasm');
    const choice = choosePackThatFits(manifest, ['quality', 'default'], 'quality', noGpu);
    expect(choice.pack).toBe('default');
    expect(choice.advice).toMatch(/^Pack quality does not fit this device: .*it needs WebGPU.*Using default, which does\.$/);
  });

  it('weighs a pack against navigator.deviceMemory', () => {
    const small = { deviceMemoryBytes: 4 * GIB, gpu: GPU, preference: 'auto' as const };
    expect(planPack(manifest, 'quality', small).problems.join()).toMatch(/of memory, and this device offers 2\.0 GB to a page/);
    expect(choosePackThatFits(manifest, ['quality'], 'quality', small)).toMatchObject({ pack: 'quality', advice: expect.stringContaining('No installed pack fits better') });
    expect(choosePackThatFits(manifest, ['tiny'], 'tiny', small)).toEqual({ pack: 'tiny', advice: null });
  });
});
