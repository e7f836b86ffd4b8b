import { describe, expect, it } from 'vitest';
import { conditionProblem } from './servable';
import type { StudyCondition } from './studyFile';

const speech: StudyCondition = { id: 'es4r-speech', answerPath: 'speech', empatheticVoice: true, affectCuesInPrompt: true };
const text: StudyCondition = { id: 'cascade', answerPath: 'text', empatheticVoice: false, affectCuesInPrompt: false };

describe('conditionProblem', () => {
  it('serves text conditions on any pack, speech conditions only with a ready speech path', () => {
    expect(conditionProblem(text, 'lite', { status: 'absent', detail: null })).toBeNull();
    expect(conditionProblem(speech, 'tiny', { status: 'ready', detail: null })).toBeNull();
  });

  it('names the condition and the missing component when the pack has none', () => {
    expect(conditionProblem(speech, 'lite', { status: 'absent', detail: null })).toMatch(/^Condition "es4r-speech" needs ES4R's speech path, but the pack "lite" has no ES4R component .*remove the condition/);
    expect(conditionProblem(speech, null, { status: 'absent', detail: null })).toMatch(/no model pack is loaded/);
  });

  it('says to wait while it loads and why it failed', () => {
    expect(conditionProblem(speech, 'tiny', { status: 'loading', detail: null })).toMatch(/still loading/);
    expect(conditionProblem(speech, 'tiny', { status: 'error', detail: 'affect_attention.onnx is missing' })).toMatch(/failed to load \(affect_attention\.onnx is missing\)/);
  });
});
