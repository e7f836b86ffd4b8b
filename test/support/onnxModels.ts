// Small ONNX models built with the ONNX schema, for tests of what the page does to the graphs it loads.
import onnxProto from 'onnx-proto';
import { graphWithoutWeights, INLINE_WEIGHTS_PATH, readFromMemory, type GraphWithoutWeights } from '../../src/models/runtime/weightsOutsideGraph';

const { onnx } = onnxProto;
export const IN = 48;
export const OUT = 40;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const floats = (name: string, dims: number[], values: Float32Array) =>
  onnx.TensorProto.create({ name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer) });
const valueInfo = (name: string, dims: number[]) =>
  onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } });

/** y = x W + b with W [48, 40] (7680 bytes: moved) and b [40] (160 bytes: stays), both seeded. */
export function linearModel(): Uint8Array {
  const weight = Float32Array.from({ length: IN * OUT }, (_, i) => Math.sin(i * 0.37));
  const bias = Float32Array.from({ length: OUT }, (_, i) => Math.cos(i * 1.3));
  const graph = onnx.GraphProto.create({
    name: 'linear',
    node: [
      { opType: 'MatMul', input: ['x', 'w'], output: ['xw'] },
      { opType: 'Add', input: ['xw', 'b'], output: ['y'] },
    ],
    initializer: [floats('w', [IN, OUT], weight), floats('b', [OUT], bias)],
    input: [valueInfo('x', [1, IN])],
    output: [valueInfo('y', [1, OUT])],
  });
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph }).finish();
}


/** The model as graph plus external data (the file itself), as the page hands it to onnxruntime; null when nothing moved. */
export function weightsOutsideGraph(model: Uint8Array, minBytes?: number): (GraphWithoutWeights & { externalData: { path: string; data: Uint8Array } }) | null {
  const hollow = graphWithoutWeights(readFromMemory(model), model.length, INLINE_WEIGHTS_PATH, minBytes);
  return hollow && { ...hollow, externalData: { path: INLINE_WEIGHTS_PATH, data: model } };
}
