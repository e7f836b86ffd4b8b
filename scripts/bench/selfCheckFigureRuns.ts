// `bench:selfcheck --figures`: per model and dtype, the self-check's probe on WebGPU and on the CPU standing in for
// wasm, and the figures between them for a correct run and for the injected fault (the probe corrupted as
// `--fault` corrupts it), with the same weights and, where a pack pairs two dtypes, with different weights.
import type { ModelFamily } from '../../src/models/loadModel';
import { runnableDtypes, type ModelComponent } from '../../src/models/manifest';
import type { Dtype, RuntimeDevice } from '../../src/models/device/chooseDevice';
import { corruptProbe } from '../../src/models/selfCheck/injectFault';
import { dtypeLabel } from '../../src/models/selfCheck/judgeProbes';
import type { SelfCheckProbe } from '../../src/models/selfCheck/probe';
import { errorMessage } from '../../src/errorMessage';
import { formatFigures, probeFigures } from './selfCheckFigures';

const MB = 2 ** 20;

/** The dtypes worth measuring: every one some device runs, and for single-dtype models every dtype the pack has files for. */
export function dtypesToMeasure(component: ModelComponent): Dtype[] {
  const dtypes: Dtype[] = [...runnableDtypes(component)];
  if (typeof component.dtype.wasm === 'string') dtypes.push(...component.files.flatMap((file) => (file.dtype ? [file.dtype] : [])));
  const seen = new Set<string>();
  return dtypes.filter((dtype) => !seen.has(dtypeLabel(dtype)) && seen.add(dtypeLabel(dtype)));
}

/** Peak resident memory since `restart`, which returns the current RSS. */
export interface PeakRss {
  restart(): number;
  peak(): number;
}

async function probeOn<M>(family: ModelFamily<M>, modelId: string, device: RuntimeDevice, dtype: Dtype, rss: PeakRss): Promise<SelfCheckProbe | string> {
  const startRss = rss.restart();
  const startMs = performance.now();
  try {
    const model = await family.load(modelId, device, dtype, () => {});
    try {
      const probe = await family.warmUp(model, { forSelfCheck: true });
      console.log(`  ${device} ${dtypeLabel(dtype)}: load and probe ${((performance.now() - startMs) / 1000).toFixed(1)} s, peak RSS +${((rss.peak() - startRss) / MB).toFixed(0)} MB`);
      return probe;
    } finally {
      await family.dispose(model);
    }
  } catch (error) {
    const reason = errorMessage(error).split('\n')[0]!.slice(0, 200);
    console.log(`  ${device} ${dtypeLabel(dtype)}: failed after ${((performance.now() - startMs) / 1000).toFixed(1)} s: ${reason}`);
    return reason;
  }
}

function printPair(label: string, candidate: SelfCheckProbe, reference: SelfCheckProbe): void {
  const steps = reference.kind === 'logits' ? reference.steps : null;
  console.log(`  ${label}`);
  console.log(`    correct: ${formatFigures(probeFigures(candidate, reference), steps)}`);
  console.log(`    fault:   ${formatFigures(probeFigures(corruptProbe(candidate), reference), steps)}`);
}

/** Measures one model: one copy loaded at a time, each released before the next. */
export async function measureFigures<M>(role: string, component: ModelComponent, family: ModelFamily<M>, rss: PeakRss): Promise<void> {
  const dtypes = dtypesToMeasure(component);
  console.log(`${role} (${component.modelId}): dtypes ${dtypes.map(dtypeLabel).join(' | ')}`);
  const gpu = new Map<string, SelfCheckProbe>();
  const cpu = new Map<string, SelfCheckProbe>();
  for (const dtype of dtypes) {
    const onGpu = await probeOn(family, component.modelId, 'webgpu', dtype, rss);
    const onCpu = await probeOn(family, component.modelId, 'cpu', dtype, rss);
    if (typeof onGpu !== 'string') gpu.set(dtypeLabel(dtype), onGpu);
    if (typeof onCpu !== 'string') cpu.set(dtypeLabel(dtype), onCpu);
    // At once, not after every dtype: a slow dtype (Kokoro on SwiftShader) must not hold back the others' figures.
    if (typeof onGpu !== 'string' && typeof onCpu !== 'string') printPair(`same weights, ${dtypeLabel(dtype)}: WebGPU vs CPU`, onGpu, onCpu);
  }
  for (const [candidateLabel, candidateProbe] of [...cpu].map(([label, probe]) => [label, gpu.get(label) ?? probe] as const)) {
    for (const [referenceLabel, reference] of cpu) {
      if (candidateLabel === referenceLabel) continue;
      const where = gpu.has(candidateLabel) ? 'WebGPU' : 'CPU (WebGPU could not run it)';
      printPair(`other weights, ${candidateLabel} on ${where} vs ${referenceLabel} on CPU`, candidateProbe, reference);
    }
  }
}
