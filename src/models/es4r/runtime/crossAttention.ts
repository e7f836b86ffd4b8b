// ES4R Stage 2's speech-as-query cross-attention over the text history's token embeddings (beside the LLM).
import * as ort from 'onnxruntime-web';
import { ES4R_REMEDY, type Es4rConfig } from './es4rConfig';
import { GraphSession } from '../../runtime/graphSession';

export class CrossAttention {
  private constructor(
    readonly hidden: number,
    private readonly graph: GraphSession,
  ) {}

  static async create(config: Es4rConfig, bytes: Uint8Array): Promise<CrossAttention> {
    const file = config.files.crossAttention;
    return new CrossAttention(config.dims.llmHidden, await GraphSession.create('the ES4R cross-attention graph', bytes, file.inputs, file.outputs, ES4R_REMEDY));
  }

  /** speech [tokens, H] attends over history [historyTokens, H]; the result replaces the speech vectors. */
  async fuse(speech: Float32Array, tokens: number, history: Float32Array, historyTokens: number): Promise<Float32Array> {
    const H = this.hidden;
    if (speech.length !== tokens * H || history.length !== historyTokens * H) {
      throw new RangeError(`CrossAttention.fuse: expected [${tokens}, ${H}] speech and [${historyTokens}, ${H}] history, got ${speech.length} and ${history.length} values`);
    }
    if (historyTokens === 0) throw new RangeError('CrossAttention.fuse: the text history is empty');
    const out = await this.graph.run(
      { speech: new ort.Tensor('float32', speech, [1, tokens, H]), history: new ort.Tensor('float32', history, [1, historyTokens, H]) },
      ['fused'],
    );
    return out.fused.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.graph.release();
  }
}
