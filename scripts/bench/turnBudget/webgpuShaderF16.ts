// Whether onnxruntime-node's WebGPU adapter runs float16 shaders (the page reads the adapter's shader-f16 feature; Node
// has no navigator.gpu): one Cast to float16, run once on the WebGPU EP. SwiftShader says no, most GPUs yes.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { attr, GraphBuilder } from '../../tinyPack/onnxGraph';

/** TensorProto.DataType FLOAT16. */
const ONNX_FLOAT16 = 10;

function castToHalfModel(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [1]);
  g.output('y', 'float16', [1], g.op('Cast', [x], { to: attr.i(ONNX_FLOAT16) }));
  return g.model('shader_f16_probe');
}

export async function webgpuHasShaderF16(): Promise<boolean> {
  // Fatal-only logging: the expected failure is the answer, not an error to print.
  const session = await InferenceSession.create(castToHalfModel(), { executionProviders: ['webgpu'], logSeverityLevel: 4 });
  try {
    await session.run({ x: new Tensor('float32', Float32Array.of(1), [1]) });
    return true;
  } catch (error) {
    if (String(error).includes('requires f16')) return false;
    throw error;
  } finally {
    await session.release();
  }
}
