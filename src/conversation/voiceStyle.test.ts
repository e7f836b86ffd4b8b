import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../models/manifest';
import { blendVoices, fuseStyles, styleSourceFor, voiceFor, voiceWithStyle } from './voiceStyle';

const manifest = parseManifest(JSON.parse(readFileSync(join(process.cwd(), 'public/models/manifest.json'), 'utf8')));

describe('fuseStyles (docs/es4r.md: w_i = (1/e_i) / sum_j 1/e_j)', () => {
  it('weighs energies 1 and 3 as 0.75 and 0.25', () => {
    const fused = fuseStyles([
      { style: Float32Array.from([4, 0, -8]), energy: 1 },
      { style: Float32Array.from([0, 4, 8]), energy: 3 },
    ]);
    // 0.75 * [4, 0, -8] + 0.25 * [0, 4, 8] = [3, 1, -4]
    expect([...fused]).toEqual([3, 1, -4]);
  });

  it('weighs energies 1, 2 and 4 as 4/7, 2/7 and 1/7', () => {
    const fused = fuseStyles([
      { style: Float32Array.from([7]), energy: 1 },
      { style: Float32Array.from([14]), energy: 2 },
      { style: Float32Array.from([-7]), energy: 4 },
    ]);
    // 4/7 * 7 + 2/7 * 14 + 1/7 * -7 = 4 + 4 - 1 = 7
    expect(fused[0]).toBeCloseTo(7, 5);
  });

  it('returns a single turn unchanged and rejects bad input', () => {
    expect([...fuseStyles([{ style: Float32Array.from([0.5, -0.25]), energy: 123 }])]).toEqual([0.5, -0.25]);
    expect(() => fuseStyles([])).toThrow(/no turn styles/);
    expect(() => fuseStyles([{ style: new Float32Array(2), energy: 0 }])).toThrow(/positive/);
    expect(() => fuseStyles([{ style: new Float32Array(2), energy: 1 }, { style: new Float32Array(3), energy: 1 }])).toThrow(/length/);
  });
});

describe('blendVoices', () => {
  const tables = { a: Float32Array.from([2, 4]), b: Float32Array.from([6, 0]), c: Float32Array.from([1, 1]) };

  it('normalises the weights: 3 a + 1 b = 0.75 a + 0.25 b', () => {
    expect([...blendVoices(tables, { a: 3, b: 1 })]).toEqual([3, 3]);
  });

  it('returns one voice unchanged and ignores zero weights', () => {
    expect([...blendVoices(tables, { c: 0.2, a: 0 })]).toEqual([1, 1]);
  });

  it('names a voice that is not loaded, and rejects empty or negative mixes', () => {
    expect(() => blendVoices(tables, { zz: 1 })).toThrow(/"zz" is not loaded/);
    expect(() => blendVoices(tables, {})).toThrow(/empty/);
    expect(() => blendVoices(tables, { a: 2, b: -1 })).toThrow(/non-negative/);
  });
});

describe('voiceFor and styleSourceFor on the manifest presets', () => {
  it('has presets in every pack: comfort slower than neutral, neutral the default voice at 1.0', () => {
    for (const [name, pack] of Object.entries(manifest.packs)) {
      const presets = pack.components.tts.voices;
      if (!presets) throw new Error(`pack ${name} has no tts voices`);
      expect(voiceFor('neutral', presets)).toEqual({ voiceMix: { [presets.default]: 1 }, speed: 1 });
      expect(voiceFor('comfort', presets).speed).toBeCloseTo(0.9, 5);
      expect(voiceFor('encourage', presets).speed).toBe(1);
      expect(voiceFor('comfort', presets).voiceMix).not.toEqual(voiceFor('encourage', presets).voiceMix);
    }
  });

  it('uses the encoder where a pack installs one (the tiny pack does) and presets elsewhere', () => {
    const tiny = manifest.packs['tiny']!;
    expect(styleSourceFor(tiny)).toBe('encoder');
    expect(styleSourceFor(manifest.packs['default']!)).toBe('presets');
  });

  it('rejects presets naming a voice the pack does not ship', () => {
    const json = JSON.parse(readFileSync(join(process.cwd(), 'public/models/manifest.json'), 'utf8'));
    json.packs.tiny.components.tts.voices.presets.comfort.mix = { af_nobody: 1 };
    expect(() => parseManifest(json)).toThrow(/packs\.tiny\.components\.tts\.voices\.presets\.comfort\.mix\.af_nobody: no voices\/af_nobody\.bin/);
  });
});

describe('voiceWithStyle', () => {
  it('blends the style into every row of the base voice', () => {
    const table = Float32Array.from([1, 2, 3, 4, 5, 6]); // three rows of two
    const style = Float32Array.from([10, -10]);
    // 0.5 * row + 0.5 * style
    expect([...voiceWithStyle(table, style)]).toEqual([5.5, -4, 6.5, -3, 7.5, -2]);
    expect([...voiceWithStyle(table, style, 0)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => voiceWithStyle(table, Float32Array.from([1, 2, 3, 4]))).toThrow('does not hold rows of 4');
  });
});
