import { describe, expect, it } from 'vitest';
import type { ChatMessage } from './dialogue';
import { SPEECH_SLOT, splitSpeechPrompt, type RenderChat } from './speechPrompt';

/** ChatML as Qwen2.5 renders it (written out by hand, not taken from a tokenizer). */
const chatMl: RenderChat = (messages, addGenerationPrompt) =>
  messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('') + (addGenerationPrompt ? '<|im_start|>assistant\n' : '');

const messages: ChatMessage[] = [
  { role: 'system', content: 'Be kind.' },
  { role: 'user', content: 'hi' },
  { role: 'assistant', content: 'hello' },
  { role: 'user', content: 'i lost my job' },
];

describe('splitSpeechPrompt', () => {
  it('splits [start][instruction] | [text history] | [speech] | [suffix] along the template', () => {
    expect(splitSpeechPrompt(messages, chatMl)).toEqual({
      head: '<|im_start|>system\nBe kind.<|im_end|>\n',
      history: '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>\n<|im_start|>user\ni lost my job',
      suffix: '<|im_end|>\n<|im_start|>assistant\n',
    });
  });

  it('needs a system message first and a user message last', () => {
    expect(() => splitSpeechPrompt(messages.slice(1), chatMl)).toThrow(/system message first/);
    expect(() => splitSpeechPrompt(messages.slice(0, 3), chatMl)).toThrow(/user message last/);
  });

  it('refuses a template that does not start with the system message or that mangles the slot', () => {
    const noSystemFirst: RenderChat = (m, g) => `<bos>${chatMl(m, g).replace('<|im_start|>system', m.length > 1 ? '<|im_start|>sys' : '<|im_start|>system')}`;
    expect(() => splitSpeechPrompt(messages, noSystemFirst)).toThrow(/system message as the start/);
    const trims: RenderChat = (m, g) => chatMl(m, g).replaceAll(SPEECH_SLOT, '');
    expect(() => splitSpeechPrompt(messages, trims)).toThrow(/changed the speech slot/);
  });
});
