import { SpeechChunker, type ChunkSpan } from './speechChunker';
import { errorMessage } from '../errorMessage';

/** Text to 24 kHz audio; in the page the TTS worker, in Node the engine itself. */
export interface Synthesizer {
  synthesize(text: string, signal: AbortSignal): Promise<Float32Array>;
}

export interface SpokenChunk {
  /** 0-based order within the reply; the player reports progress by it. */
  id: number;
  text: string;
  span: ChunkSpan;
  audio24k: Float32Array;
}

/**
 * Speaks one reply while it is still being written: text deltas are cut into sentences (a short
 * clause first), each synthesized in order while the LLM goes on. A chunk whose synthesis fails
 * is skipped with a notice and the rest still plays.
 */
export class ReplySpeech {
  private readonly chunker = new SpeechChunker();
  private readonly controller = new AbortController();
  private queue: Promise<void> = Promise.resolve();
  private nextId = 0;

  constructor(
    private readonly synthesizer: Synthesizer,
    private readonly speak: (chunk: SpokenChunk) => void,
    private readonly notice: (message: string) => void,
  ) {}

  push(textDelta: string): void {
    this.enqueue(this.chunker.push(textDelta));
  }

  /** The reply is complete: speak what is left, and resolve when every chunk has been synthesized. */
  async finish(): Promise<void> {
    this.enqueue(this.chunker.flush());
    await this.queue;
  }

  /** Barge-in or a new turn: nothing more is synthesized or handed to the player. */
  cancel(): void {
    this.controller.abort();
  }

  private enqueue(texts: string[]): void {
    for (const text of texts) {
      const id = this.nextId++;
      const span = this.chunker.spans[id]!;
      this.queue = this.queue.then(() => this.synthesizeChunk(id, text, span));
    }
  }

  private async synthesizeChunk(id: number, text: string, span: ChunkSpan): Promise<void> {
    const signal = this.controller.signal;
    if (signal.aborted) return;
    try {
      const audio24k = await this.synthesizer.synthesize(text, signal);
      // Text with nothing speakable (emoji, markup) gives no audio: skip it, never play noise.
      if (!signal.aborted && audio24k.length > 0) this.speak({ id, text, span, audio24k });
    } catch (error) {
      if (!signal.aborted) this.notice(`A part of the reply could not be spoken (${errorMessage(error)}); the rest goes on.`);
    }
  }
}
