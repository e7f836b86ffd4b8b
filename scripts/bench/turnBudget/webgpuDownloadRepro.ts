// Minimal repro of the onnxruntime-node 1.30 abort behind `bench:turn --device webgpu` dying after turn 1: a WebGPU EP
// output kept on the GPU (preferredOutputLocation 'gpu-buffer', as transformers.js keeps an LLM's present.* there) is
// fed back fine, but downloading it with getData() ends the process: "terminate called after throwing an instance of
// 'char const*'". Our KV cache crops the kept cache on the CPU each turn, which downloads it.
// Usage (no GPU: LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json):
//   npx tsx scripts/bench/turnBudget/webgpuDownloadRepro.ts
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { GraphBuilder } from '../../tinyPack/onnxGraph';

const g = new GraphBuilder();
const x = g.input('x', 'float32', [1, 4]);
g.output('y', 'float32', [1, 4], g.op('Add', [x, x]));
const session = await InferenceSession.create(g.model('download_repro'), { executionProviders: ['webgpu'], preferredOutputLocation: { y: 'gpu-buffer' } });
const { y } = await session.run({ x: new Tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 4]) });
console.log(`output on ${y!.location}; fed back as an input:`, (await session.run({ x: y! })).y!.location);
console.log('downloading it with getData() (onnxruntime-node 1.30 aborts here)...');
console.log('downloaded:', Array.from((await y!.getData()) as Float32Array));
await session.release();
