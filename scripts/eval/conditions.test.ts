import { describe, expect, it } from 'vitest';
import { conditionsFromFlags, conditionsFromStudy } from './conditions';

const flags = { path: undefined, noDualAttention: false, noCrossAttention: false, noAffectCues: false };

describe('eval conditions', () => {
  it('compares both paths by default when the pack has the speech path, else runs the text path only', () => {
    expect(conditionsFromFlags(flags, 'tiny', []).map((c) => [c.name, c.settings.answerPath])).toEqual([['speech', 'speech'], ['text', 'text']]);
    expect(conditionsFromFlags(flags, 'default', ['es4r', 'speech_llm']).map((c) => c.name)).toEqual(['text']);
  });

  it('applies the ablation flags to the speech path only and names them', () => {
    const [speech, text] = conditionsFromFlags({ ...flags, path: 'speech,text', noCrossAttention: true, noAffectCues: true }, 'tiny', []);
    expect(speech).toMatchObject({ name: 'speech+no-cross-attention+no-affect-cues', settings: { dualAttention: true, crossAttention: false, affectCuesInPrompt: false } });
    expect(text).toMatchObject({ name: 'text+no-affect-cues', settings: { dualAttention: true, crossAttention: true, affectCuesInPrompt: false } });
  });

  it('stops on a condition the pack cannot serve, naming it and the missing component', () => {
    expect(() => conditionsFromFlags({ ...flags, path: 'speech' }, 'default', ['es4r', 'speech_llm'])).toThrow('condition "speech" asks for the speech path, but the "default" pack has no es4r and no speech_llm component');
    const study = [
      { id: 'plain', answerPath: 'text' as const, empatheticVoice: false, affectCuesInPrompt: false },
      { id: 'es4r-speech', answerPath: 'speech' as const, crossAttention: false, empatheticVoice: true, affectCuesInPrompt: true },
    ];
    expect(() => conditionsFromStudy(study, 'lite', ['es4r'])).toThrow('condition "es4r-speech" asks for the speech path, but the "lite" pack has no es4r component');
    expect(conditionsFromStudy(study, 'tiny', [])[1]).toMatchObject({ name: 'es4r-speech', settings: { answerPath: 'speech', dualAttention: true, crossAttention: false } });
  });

  it('rejects a path it does not know and ablations without the speech path', () => {
    expect(() => conditionsFromFlags({ ...flags, path: 'both' }, 'tiny', [])).toThrow('--path takes speech, text or speech,text; got "both"');
    expect(() => conditionsFromFlags({ ...flags, path: 'text', noDualAttention: true }, 'tiny', [])).toThrow(/need it among --path/);
  });
});
