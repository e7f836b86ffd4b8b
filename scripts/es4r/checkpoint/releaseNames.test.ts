import { describe, expect, it } from 'vitest';
import { randomCheckpoint } from './randomCheckpoint';
import { CheckpointError, formatNameTable, NAME_TABLE, parseReleaseConfig, releaseConfigFor, releaseTensorShapes, tensorSourceFromMap, weightsFromRelease, type Es4rDims } from './releaseNames';
import { readFloatTensors, writeSafetensors } from './safetensors';

const DIMS: Es4rDims = { dModel: 16, ffnDim: 24, cformerHeads: 8, preLayers: 2, postLayers: 1, llmHidden: 12, llmHeads: 3 };

describe('ES4R release names', () => {
  it('parses a release config.json and applies the Blsp2Config defaults', () => {
    expect(parseReleaseConfig(releaseConfigFor(DIMS)).dims).toEqual(DIMS);
    const minimal = parseReleaseConfig({
      whisper_config: { d_model: 1280, encoder_ffn_dim: 5120, _name_or_path: 'openai/whisper-large-v2' },
      qwen_config: { hidden_size: 4096, num_attention_heads: 32, extra: 1 },
      lora_config: { r: 16 },
    });
    expect(minimal.dims).toEqual({ dModel: 1280, ffnDim: 5120, cformerHeads: 8, preLayers: 4, postLayers: 4, llmHidden: 4096, llmHeads: 32 });
    expect(minimal.whisperName).toBe('openai/whisper-large-v2');
  });

  it('rejects configs it cannot run, naming the field', () => {
    const base = releaseConfigFor(DIMS);
    expect(() => parseReleaseConfig({ ...base, qwen_config: { hidden_size: 12 } })).toThrow(/qwen_config\.num_attention_heads/);
    expect(() => parseReleaseConfig({ ...base, adapter_type: 'subsampler' })).toThrow(/adapter_type 'subsampler'/);
    expect(() => parseReleaseConfig({ ...base, num_pre_cif_layers: 0 })).toThrow(/num_pre_cif_layers 0/);
    expect(() => parseReleaseConfig({ ...base, whisper_config: { d_model: 20, encoder_ffn_dim: 8 } })).toThrow(/d_model 20.*8 heads/);
    expect(() => parseReleaseConfig({ ...base, qwen_config: { hidden_size: 10, num_attention_heads: 3 } })).toThrow(/hidden_size 10/);
    expect(() => parseReleaseConfig('nope')).toThrow(CheckpointError);
  });

  it('maps a random checkpoint back to the weights it was made from', () => {
    const cp = randomCheckpoint(7, DIMS);
    const tensors = readFloatTensors(cp.safetensors);
    expect(tensors.has('adapter.lm_head.weight')).toBe(true); // present, ignored
    const w = weightsFromRelease(tensorSourceFromMap(tensors), DIMS, tensors.keys());
    expect(w.subsampler.convs[2]!.weight).toEqual(cp.weights.subsampler.convs[2]!.weight);
    expect(w.subsampler.hidden).toBe(80);
    expect(w.affect.inProjWeight).toEqual(cp.weights.affect.inProjWeight);
    expect(w.cformer.preLayers).toHaveLength(2);
    expect(w.cformer.preLayers[1]!.kProjWeight).toEqual(cp.weights.cformer.preLayers[1]!.kProjWeight);
    expect(w.cformer.postLayers[0]!.fc2Weight).toEqual(cp.weights.cformer.postLayers[0]!.fc2Weight);
    expect(w.cformer.tokenEmbedProj).toEqual(cp.weights.cformer.tokenEmbedProj);
    expect(w.crossAttention).toEqual(cp.weights.crossAttention);
  });

  it('names every missing, mis-shaped or extra-layer tensor', () => {
    const tensors = readFloatTensors(randomCheckpoint(7, DIMS).safetensors);
    tensors.delete('adapter.pre_cif_layers.1.self_attn.k_proj.weight');
    tensors.set('cross_attn.in_proj_bias', { shape: [12], data: new Float32Array(12) });
    expect(() => weightsFromRelease(tensorSourceFromMap(tensors), DIMS)).toThrow(
      /1 missing tensor\(s\): adapter\.pre_cif_layers\.1\.self_attn\.k_proj\.weight \[16, 16\].*cross_attn\.in_proj_bias is \[12\], expected \[36\]/,
    );
    const fewer = { ...DIMS, preLayers: 1 };
    const all = readFloatTensors(randomCheckpoint(7, DIMS).safetensors);
    expect(() => weightsFromRelease(tensorSourceFromMap(all), fewer, all.keys())).toThrow(/beyond the configured 1\+1 CFormer layers: adapter\.pre_cif_layers\.1\./);
  });

  it('reads F16 checkpoints', () => {
    const cp = randomCheckpoint(9, DIMS);
    const f32 = readFloatTensors(writeSafetensors(cp.tensors.map((t) => [t.name, t] as const)));
    expect(() => weightsFromRelease(tensorSourceFromMap(f32), DIMS)).not.toThrow();
    const half = readFloatTensors(randomCheckpoint(9, DIMS, { dtype: 'F16' }).safetensors);
    const w = weightsFromRelease(tensorSourceFromMap(half), DIMS);
    const ref = cp.weights.crossAttention.outProjWeight;
    w.crossAttention.outProjWeight.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-3));
  });

  it('NAME_TABLE covers every concrete release name', () => {
    const patterns = NAME_TABLE.map((r) => new RegExp(`^${r.release.replace(/\./g, '\\.').replace(/\bN\b/g, '\\d+')}$`));
    for (const [name] of releaseTensorShapes(DIMS)) expect(patterns.some((p) => p.test(name)), name).toBe(true);
    expect(formatNameTable().split('\n')).toHaveLength(NAME_TABLE.length + 1);
  });
});
