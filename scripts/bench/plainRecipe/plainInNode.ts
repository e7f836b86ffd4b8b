// The plain recipe over the bench's recording in Node: Silero on onnxruntime-node, the rest shared with the page.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { loadVadModel } from '../../cli/loadVadModel';
import type { TurnAudio } from '../turnBudget/turnAudio';
import type { TurnResult } from '../turnBudget/turnResult';
import type { PlainModels } from './plainModelSet';
import { PLAIN_CHUNK_SAMPLES } from './plainVad';
import { PLAIN_RATE_HZ, plainTurns, type ChunkProbability } from './plainTurns';

/** Silero v5 on bare 512-sample chunks with its recurrent state, as the demo runs it. */
async function sileroInNode(): Promise<{ probabilityOf: ChunkProbability; release(): Promise<void> }> {
  const session = await InferenceSession.create(loadVadModel());
  const sr = new Tensor('int64', BigInt64Array.of(BigInt(PLAIN_RATE_HZ)), []);
  let state: Tensor = new Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  return {
    async probabilityOf(chunk) {
      const out = await session.run({ input: new Tensor('float32', chunk, [1, PLAIN_CHUNK_SAMPLES]), state, sr });
      state = out.stateN as Tensor;
      return (out.output!.data as Float32Array)[0]!;
    },
    release: () => session.release(),
  };
}

/** Yields after each segment answered: its timing, or null when it is no whole spoken turn or gave no audio. */
export async function* plainTurnsInNode(models: PlainModels, audio: TurnAudio, replyTokens: number, log: (line: string) => void): AsyncGenerator<TurnResult | null> {
  const silero = await sileroInNode();
  try {
    yield* plainTurns(models, audio, replyTokens, silero.probabilityOf, log);
  } finally {
    await silero.release();
  }
}
