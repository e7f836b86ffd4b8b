// One ES4R graph in an onnxruntime-web session (wasm EP: the same in a page, a worker and Node).
import * as ort from 'onnxruntime-web';

export class GraphSession {
  private constructor(
    readonly name: string,
    private readonly session: ort.InferenceSession,
  ) {}

  /** Opens the graph and checks it has the inputs and outputs es4r.json promised. */
  static async create(name: string, bytes: Uint8Array, inputs: readonly string[], outputs: readonly string[]): Promise<GraphSession> {
    // Multi-threaded wasm needs cross-origin isolation (and fails in Node): default to 1 unless the app chose.
    if (ort.env.wasm.numThreads === undefined) ort.env.wasm.numThreads = 1;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    } catch (error) {
      throw new Error(`the ES4R ${name} graph could not be opened (${error instanceof Error ? error.message : String(error)}); rebuild the component with npm run es4r:import`);
    }
    const missing = [...inputs.filter((n) => !session.inputNames.includes(n)), ...outputs.filter((n) => !session.outputNames.includes(n))];
    if (missing.length > 0) {
      await session.release();
      throw new Error(`the ES4R ${name} graph lacks ${missing.join(', ')} (it has inputs [${session.inputNames.join(', ')}], outputs [${session.outputNames.join(', ')}])`);
    }
    return new GraphSession(name, session);
  }

  /** Runs the graph; the outputs asked for, copied out, every tensor released. */
  async run<K extends string>(feeds: Record<string, ort.Tensor>, outputs: readonly K[]): Promise<Record<K, { data: ort.Tensor['data']; dims: readonly number[] }>> {
    const result = await this.session.run(feeds);
    try {
      const picked = {} as Record<K, { data: ort.Tensor['data']; dims: readonly number[] }>;
      for (const name of outputs) {
        const tensor = result[name];
        if (!tensor) throw new Error(`the ES4R ${this.name} graph returned no ${name}`);
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
