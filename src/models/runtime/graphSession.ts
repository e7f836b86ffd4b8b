// One ONNX graph of our own (ES4R's blocks, the style encoder) in an onnxruntime-web session on the wasm EP, which
// runs the same in a page, a worker and Node: opened with its inputs and outputs checked, run with tensors released.
import * as ort from 'onnxruntime-web';
import { errorMessage } from '../../errorMessage';

const quoted = (names: readonly string[]) => names.map((name) => `'${name}'`).join(', ');

export class GraphSession {
  private constructor(
    readonly label: string,
    private readonly session: ort.InferenceSession,
  ) {}

  /** `label` names the graph in errors; `remedy` (e.g. "; rebuild it with ...") follows an error opening it. */
  static async create(label: string, bytes: Uint8Array, inputs: readonly string[], outputs: readonly string[], remedy = ''): Promise<GraphSession> {
    // Multi-threaded wasm needs cross-origin isolation (and fails in Node): default to 1 unless the app chose.
    if (ort.env.wasm.numThreads === undefined) ort.env.wasm.numThreads = 1;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    } catch (error) {
      throw new Error(`${label} could not be opened (${errorMessage(error)})${remedy}`);
    }
    const complete = inputs.every((n) => session.inputNames.includes(n)) && outputs.every((n) => session.outputNames.includes(n));
    if (!complete) {
      await session.release();
      throw new Error(
        `${label}: expected input${inputs.length > 1 ? 's' : ''} ${quoted(inputs)} and output${outputs.length > 1 ? 's' : ''} ${quoted(outputs)}, ` +
          `got inputs [${session.inputNames.join(', ')}], outputs [${session.outputNames.join(', ')}]`,
      );
    }
    return new GraphSession(label, session);
  }

  /** Runs the graph; the outputs asked for, copied out, every tensor released. */
  async run<K extends string>(feeds: Record<string, ort.Tensor>, outputs: readonly K[]): Promise<Record<K, { data: ort.Tensor['data']; dims: readonly number[] }>> {
    const result = await this.session.run(feeds);
    try {
      const picked = {} as Record<K, { data: ort.Tensor['data']; dims: readonly number[] }>;
      for (const name of outputs) {
        const tensor = result[name];
        if (!tensor) throw new Error(`${this.label} returned no ${name}`);
        picked[name] = { data: tensor.data, dims: [...tensor.dims] };
      }
      return picked;
    } finally {
      for (const tensor of Object.values(feeds)) tensor.dispose();
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
