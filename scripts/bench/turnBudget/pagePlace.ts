import type { AnswerPath } from '../../../src/conversation/dialogue';
import type { PlaceReport } from './placeReport';
import type { TurnAudio } from './turnAudio';

export interface PageBenchOptions {
  pack: string;
  device: 'wasm' | 'webgpu';
  answerPath: AnswerPath;
  replyTokens: number;
  audio: TurnAudio;
  port: number;
  log: (line: string) => void;
}

export async function benchInPage(_options: PageBenchOptions): Promise<PlaceReport> {
  throw new Error('the page run is not built yet');
}
