import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type TensorProto = InstanceType<typeof onnx.TensorProto>;
type GraphProto = InstanceType<typeof onnx.GraphProto>;

export type ElemType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8' | 'int8';
/** A dimension: a fixed size, or a symbolic name such as 'batch_size'. */
export type Dim = number | string;

const ELEM_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
  uint8: onnx.TensorProto.DataType.UINT8,
  int8: onnx.TensorProto.DataType.INT8,
};

/** Typed attribute values: ONNX distinguishes 1 (INT) from 1.0 (FLOAT), so callers say which. */
export type Attribute =
  | { kind: 'f'; value: number }
  | { kind: 'i'; value: number }
  | { kind: 's'; value: string }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 't'; value: TensorProto }
  | { kind: 'g'; value: GraphProto };

export const attr = {
  f: (value: number): Attribute => ({ kind: 'f', value }),
  i: (value: number): Attribute => ({ kind: 'i', value }),
  s: (value: string): Attribute => ({ kind: 's', value }),
  floats: (value: number[]): Attribute => ({ kind: 'floats', value }),
  ints: (value: number[]): Attribute => ({ kind: 'ints', value }),
  t: (value: TensorProto): Attribute => ({ kind: 't', value }),
  g: (value: GraphProto): Attribute => ({ kind: 'g', value }),
};

function attributeProto(name: string, attribute: Attribute) {
  const T = onnx.AttributeProto.AttributeType;
  switch (attribute.kind) {
    case 'f':
      return onnx.AttributeProto.create({ name, type: T.FLOAT, f: attribute.value });
    case 'i':
      return onnx.AttributeProto.create({ name, type: T.INT, i: attribute.value });
    case 's':
      return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(attribute.value) });
    case 'floats':
      return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: attribute.value });
    case 'ints':
      return onnx.AttributeProto.create({ name, type: T.INTS, ints: attribute.value });
    case 't':
      return onnx.AttributeProto.create({ name, type: T.TENSOR, t: attribute.value });
    case 'g':
      return onnx.AttributeProto.create({ name, type: T.GRAPH, g: attribute.value });
  }
}

/** A tensor constant; float16 data is given as its raw uint16 bits. */
export function tensor(
  name: string,
  elemType: ElemType,
  dims: number[],
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array,
): TensorProto {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return onnx.TensorProto.create({ name, dataType: ELEM_TYPE[elemType], dims, rawData: raw.slice() });
}

function valueInfo(name: string, elemType: ElemType, dims: Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE[elemType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/** Builds one ONNX graph node by node; `op` returns the generated output names. */
export class GraphBuilder {
  private readonly nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ReturnType<typeof valueInfo>[] = [];
  private readonly outputs: ReturnType<typeof valueInfo>[] = [];
  private counter = 0;

  constructor(private readonly prefix = '') {}

  input(name: string, elemType: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares a graph output; `from` is renamed to `name` through an Identity when they differ. */
  output(name: string, elemType: ElemType, dims: Dim[], from: string = name): void {
    if (from !== name) this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [from], output: [name], name: `${this.prefix}out_${name}` }));
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Adds a weight or constant tensor and returns its name. */
  init(name: string, elemType: ElemType, dims: number[], data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array): string {
    this.initializers.push(tensor(name, elemType, dims, data));
    return name;
  }

  /** Appends a node with one output and returns that output's name. */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, domain = ''): string {
    return this.opN(opType, inputs, 1, attributes, domain)[0]!;
  }

  /** Appends a node with `outputCount` outputs (use '' in `inputs` for an omitted optional input). */
  opN(opType: string, inputs: string[], outputCount: number, attributes: Record<string, Attribute> = {}, domain = ''): string[] {
    const id = this.counter++;
    const outputs = Array.from({ length: outputCount }, (_, k) => `${this.prefix}${opType.toLowerCase()}_${id}_${k}`);
    this.nodes.push(
      onnx.NodeProto.create({
        name: `${this.prefix}${opType}_${id}`,
        opType,
        domain,
        input: inputs,
        output: outputs,
        attribute: Object.entries(attributes).map(([key, value]) => attributeProto(key, value)),
      }),
    );
    return outputs;
  }

  /** How many nodes of each operator the graph has so far (If branches not included). */
  opHistogram(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const node of this.nodes) counts[node.opType!] = (counts[node.opType!] ?? 0) + 1;
    return counts;
  }

  graph(name: string): GraphProto {
    return onnx.GraphProto.create({ name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs });
  }

  /** Serialises the graph as a model; IR 8 / opset 17 load in every onnxruntime this project uses. */
  model(name: string, { irVersion = 8, opset = 17, extraOpsets = [] as { domain: string; version: number }[] } = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion,
      producerName: 'es4r-web make-tiny-pack',
      opsetImport: [{ domain: '', version: opset }, ...extraOpsets],
      graph: this.graph(name),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
