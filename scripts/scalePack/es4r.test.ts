// The scale ES4R components: the release's depth and heads at each pack's widths, and per-graph parameter counts
// that equal the release modules' arithmetic.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { es4rDefaultScale, es4rDimsFor, es4rLiteScale } from './es4r';
import { QWEN25_05B, SMOLLM2_360M } from './llm/architectures';
import { WHISPER_BASE, WHISPER_TINY } from './whisper/architectures';

describe('scale ES4R dims', () => {
  it('lite: Whisper tiny widths, SmolLM2-360M hidden and heads, the release defaults (4 + 4 CFormer layers, 8 heads)', () => {
    expect(es4rDimsFor(WHISPER_TINY, SMOLLM2_360M)).toEqual({ dModel: 384, ffnDim: 1536, cformerHeads: 8, preLayers: 4, postLayers: 4, llmHidden: 960, llmHeads: 15 });
  });

  it('default: Whisper base widths, Qwen2.5-0.5B hidden and heads', () => {
    expect(es4rDimsFor(WHISPER_BASE, QWEN25_05B)).toEqual({ dModel: 512, ffnDim: 2048, cformerHeads: 8, preLayers: 4, postLayers: 4, llmHidden: 896, llmHeads: 14 });
  });
});

describe('scale ES4R writer', () => {
  it('writes the four graphs and es4r.json, pairs the pack models, and counts what the release modules hold', async () => {
    expect(es4rLiteScale.modelId).toBe('scale/es4r-lite');
    expect(es4rDefaultScale.modelId).toBe('scale/es4r-default');
    const dir = await mkdtemp(join(tmpdir(), 'scale-es4r-'));
    try {
      const written = await es4rLiteScale.write(dir, 7);
      expect(written.files).toEqual(['es4r.json', 'onnx/subsampler.onnx', 'onnx/affect_attention.onnx', 'onnx/cformer_adapter.onnx', 'onnx/cross_attention.onnx']);
      const config = JSON.parse(await readFile(join(dir, 'es4r.json'), 'utf8')) as { pairs: unknown; dims: Record<string, number> };
      expect(config.pairs).toEqual({ whisper: 'scale/whisper-tiny', llm: 'scale/SmolLM2-360M-Instruct-embeds' });
      expect(config.dims).toMatchObject({ whisperDModel: 384, cformerFfnDim: 1536, preCifLayers: 4, postCifLayers: 4, llmHidden: 960, llmHeads: 15 });
      for (const graph of written.graphs) expect(graph.parameters, graph.file).toBe(graph.expectedParameters);
      // CFormer: 8 WhisperEncoderLayers of 1,774,080 + cif_proj 147,840 + token_embed_proj 369,600.
      expect(written.graphs.find((g) => g.file === 'onnx/cformer_adapter.onnx')?.parameters).toBe(8 * 1_774_080 + 383 * 384 + 384 + 384 * 960 + 960);
      expect(written.graphs.find((g) => g.file === 'onnx/cross_attention.onnx')?.parameters).toBe(4 * 960 * 960 + 4 * 960);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
