import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoProcessor, AutoTokenizer, env, pipeline, WhisperForConditionalGeneration } from '@huggingface/transformers';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../src/audio/wav/readWav';
import { writeTinyWhisper } from './whisper';

/** The pack layout the app uses: localModelPath = <models root>, model id = 'tiny/whisper'. */
const MODEL_ID = 'tiny/whisper';
const SAMPLE_RATE_HZ = 16000;

// Ids derived by hand from the layout: 256 byte tokens (GPT-2 order: ',' 11, '.' 13, '?' 30), then the merge
// chains ĠH..ĠHello (256-260), Ġh..Ġhow (261-263), Ġa..Ġare (264-266), Ġy..Ġyou (267-269), ĠT..ĠThank (270-274),
// then <|endoftext|> 275, <|startoftranscript|> 276, 99 languages from <|en|> 277, <|translate|> 376,
// <|transcribe|> 377, <|startoflm|> 378, <|startofprev|> 379, <|nocaptions|> 380, <|notimestamps|> 381,
// timestamps <|0.00|> 382 .. <|30.00|> 1882.
const VOCAB_SIZE = 1883;
const PROMPT_IDS = [276, 277, 377, 381];
const SPEECH_IDS = [...PROMPT_IDS, 260, 11, 263, 266, 269, 30, 275];
const SILENCE_IDS = [...PROMPT_IDS, 274, 269, 13, 275];
const SPEECH_TEXT = ' Hello, how are you?';
const SILENCE_TEXT = ' Thank you.';

const HEADS = 4;
const HEAD_DIM = 16;
const D_MODEL = 64;
const LAYERS = 2;

let root = '';
let modelDir = '';
let speech = new Float32Array(0);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tiny-whisper-'));
  modelDir = join(root, MODEL_ID);
  await writeTinyWhisper(modelDir);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${root}/`;
  const wav = readWav(new Uint8Array(await readFile(new URL('../../fixtures/speech-16k.wav', import.meta.url))));
  expect(wav.sampleRateHz).toBe(SAMPLE_RATE_HZ);
  speech = Float32Array.from(wav.samples);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const session = (file: string) => ort.InferenceSession.create(join(modelDir, 'onnx', file));

function signature(values: readonly ort.InferenceSession.ValueMetadata[]): [string, string, (string | number)[]][] {
  return values.map((v) => (v.isTensor ? [v.name, v.type, [...v.shape]] : [v.name, 'non-tensor', []]));
}

const decoderCache = (prefix: 'past_key_values' | 'present', decoderLength: string) =>
  Array.from({ length: LAYERS }, (_, i) => [
    [`${prefix}.${i}.decoder.key`, 'float32', ['batch_size', HEADS, decoderLength, HEAD_DIM]],
    [`${prefix}.${i}.decoder.value`, 'float32', ['batch_size', HEADS, decoderLength, HEAD_DIM]],
    [`${prefix}.${i}.encoder.key`, 'float32', ['batch_size', HEADS, 'encoder_sequence_length_out', HEAD_DIM]],
    [`${prefix}.${i}.encoder.value`, 'float32', ['batch_size', HEADS, 'encoder_sequence_length_out', HEAD_DIM]],
  ]).flat();

describe('tiny whisper: ONNX contracts', () => {
  it('encoder: input_features [batch_size, 80, 3000] -> last_hidden_state [batch_size, 1500, 64]', async () => {
    const encoder = await session('encoder_model.onnx');
    expect(signature(encoder.inputMetadata)).toEqual([['input_features', 'float32', ['batch_size', 80, 3000]]]);
    expect(signature(encoder.outputMetadata)).toEqual([['last_hidden_state', 'float32', ['batch_size', 1500, D_MODEL]]]);
  });

  it("merged decoder: Optimum's input and output names, order and dims", async () => {
    const decoder = await session('decoder_model_merged.onnx');
    expect(signature(decoder.inputMetadata)).toEqual([
      ['input_ids', 'int64', ['batch_size', 'decoder_sequence_length']],
      ['encoder_hidden_states', 'float32', ['batch_size', 'encoder_sequence_length / 2', D_MODEL]],
      ...decoderCache('past_key_values', 'past_decoder_sequence_length'),
      ['use_cache_branch', 'bool', [1]],
    ]);
    expect(signature(decoder.outputMetadata)).toEqual([
      ['logits', 'float32', ['batch_size', 'decoder_sequence_length', VOCAB_SIZE]],
      ...decoderCache('present', 'past_decoder_sequence_length + 1'),
    ]);
  });

  it('uses IR version <= 13 and opset 17, with an If on use_cache_branch', async () => {
    for (const file of ['encoder_model.onnx', 'decoder_model_merged.onnx']) {
      const model = onnxProto.onnx.ModelProto.decode(await readFile(join(modelDir, 'onnx', file)));
      expect(Number(model.irVersion)).toBeLessThanOrEqual(13);
      expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
      if (file.startsWith('decoder')) expect(model.graph?.node?.find((n) => n.opType === 'If')?.input).toEqual(['use_cache_branch']);
    }
  });
});

describe('tiny whisper: transformers.js', () => {
  it('tokenizer: Whisper layout, word merges, timestamps after <|notimestamps|>', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID);
    expect(tokenizer.encode(SPEECH_TEXT, { add_special_tokens: false })).toEqual(SPEECH_IDS.slice(4, -1));
    expect(tokenizer.encode(SPEECH_TEXT)).toEqual([276, 381, ...SPEECH_IDS.slice(4, -1), 275]);
    expect(tokenizer.decode(SILENCE_IDS, { skip_special_tokens: true })).toBe(SILENCE_TEXT);
    expect(tokenizer.decode([277, 375, 376, 377, 380, 381, 382, 1882])).toBe(
      '<|en|><|su|><|translate|><|transcribe|><|nocaptions|><|notimestamps|><|0.00|><|30.00|>',
    );
  });

  it('pipeline: the speech fixture gives the speech transcript, digital silence the silence one', async () => {
    const asr = await pipeline('automatic-speech-recognition', MODEL_ID, { dtype: 'fp32', device: 'cpu' });
    expect(await asr(speech, { language: 'en', task: 'transcribe' })).toEqual({ text: SPEECH_TEXT });
    // 12 dB quieter is still speech: only digital silence sits at the -1.5 floor of Whisper's log-mel.
    expect(await asr(speech.map((x) => x / 4), { language: 'en' })).toEqual({ text: SPEECH_TEXT });
    expect(await asr(new Float32Array(SAMPLE_RATE_HZ), { language: 'en' })).toEqual({ text: SILENCE_TEXT });
    await asr.dispose();
  });

  it('generate(): forced prefix, expected ids, first step without cache and the rest through the KV cache', async () => {
    const processor = await AutoProcessor.from_pretrained(MODEL_ID);
    const model = await WhisperForConditionalGeneration.from_pretrained(MODEL_ID, { dtype: 'fp32', device: 'cpu' });
    const decoder = model.sessions['decoder_model_merged'] as ort.InferenceSession;
    const run = decoder.run.bind(decoder);
    const steps: { useCache: boolean; inputLength: number; pastLength: number }[] = [];
    decoder.run = ((feeds: Record<string, ort.Tensor>, ...rest: []) => {
      steps.push({
        useCache: Boolean(feeds['use_cache_branch']!.data[0]),
        inputLength: feeds['input_ids']!.dims[1]!,
        pastLength: feeds['past_key_values.0.decoder.key']!.dims[2]!,
      });
      return run(feeds, ...rest);
    }) as typeof decoder.run;

    const generate = async (audio: Float32Array) => {
      steps.length = 0;
      const { input_features } = await processor(audio);
      const ids = (await model.generate({ inputs: input_features, language: 'en', task: 'transcribe' })) as unknown as { tolist(): bigint[][] };
      return ids.tolist()[0]!.map(Number);
    };

    expect(await generate(speech)).toEqual(SPEECH_IDS);
    expect(steps).toEqual(
      Array.from({ length: SPEECH_IDS.length - PROMPT_IDS.length }, (_, i) =>
        i === 0 ? { useCache: false, inputLength: 4, pastLength: 0 } : { useCache: true, inputLength: 1, pastLength: 3 + i },
      ),
    );
    expect(await generate(new Float32Array(SAMPLE_RATE_HZ))).toEqual(SILENCE_IDS);
    await model.dispose();
  });
});

describe('tiny whisper: merged decoder numerics', () => {
  it("cached steps give the same logits as one uncached pass, and empty encoder presents as Optimum's merged decoders do", async () => {
    const processor = await AutoProcessor.from_pretrained(MODEL_ID);
    const { input_features } = await processor(speech);
    const encoder = await session('encoder_model.onnx');
    const decoder = await session('decoder_model_merged.onnx');
    const features = new ort.Tensor('float32', input_features.data as Float32Array, input_features.dims);
    const encoderStates = (await encoder.run({ input_features: features }))['last_hidden_state']!;

    const emptyPast = Object.fromEntries(
      decoderCache('past_key_values', '').map(([name]) => [name, new ort.Tensor('float32', new Float32Array(0), [1, HEADS, 0, HEAD_DIM])]),
    );
    const ids = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
    const flag = (value: boolean) => new ort.Tensor('bool', Uint8Array.of(value ? 1 : 0), [1]);
    const tokens = SPEECH_IDS.slice(0, -1);

    const full = await decoder.run({ input_ids: ids(tokens), encoder_hidden_states: encoderStates, ...emptyPast, use_cache_branch: flag(false) });
    const fullLogits = full['logits']!.data as Float32Array;

    let outputs = await decoder.run({ input_ids: ids(PROMPT_IDS), encoder_hidden_states: encoderStates, ...emptyPast, use_cache_branch: flag(false) });
    // As transformers.js does: the first step's encoder K/V stay the past for every later step.
    const asPast = (from: typeof outputs, side: 'decoder' | 'encoder') =>
      Object.fromEntries(Object.entries(from).filter(([name]) => name.startsWith('present.') && name.includes(side)).map(([name, t]) => [name.replace('present', 'past_key_values'), t]));
    const encoderPast = asPast(outputs, 'encoder');
    expect(outputs['present.0.encoder.key']!.dims).toEqual([1, HEADS, 1500, HEAD_DIM]);
    for (let position = PROMPT_IDS.length; position < tokens.length; position++) {
      outputs = await decoder.run({ input_ids: ids([tokens[position]!]), encoder_hidden_states: encoderStates, ...asPast(outputs, 'decoder'), ...encoderPast, use_cache_branch: flag(true) });
      expect(outputs['present.0.decoder.key']!.dims).toEqual([1, HEADS, position + 1, HEAD_DIM]);
      // Optimum's merged decoders output empty encoder presents on cached steps (nothing to keep, nothing to free).
      expect(outputs['present.1.encoder.value']!.dims).toEqual([0, HEADS, 1, HEAD_DIM]);
      const stepLogits = outputs['logits']!.data as Float32Array;
      const row = fullLogits.subarray(position * VOCAB_SIZE, (position + 1) * VOCAB_SIZE);
      const maxDiff = stepLogits.reduce((m, v, k) => Math.max(m, Math.abs(v - row[k]!)), 0);
      expect(maxDiff).toBeLessThan(1e-4);
      // Greedy choice at this step is the next token of the designed transcript.
      expect(stepLogits.indexOf(Math.max(...stepLogits))).toBe(SPEECH_IDS[position + 1]);
    }

    // The past decoder K/V matter: zeroing them moves the logits far beyond the tolerance above.
    const zeroedPast = {
      ...Object.fromEntries(Object.entries(asPast(outputs, 'decoder')).map(([name, t]) => [name, new ort.Tensor('float32', new Float32Array(t.size), t.dims)])),
      ...encoderPast,
    };
    const zeroed = await decoder.run({ input_ids: ids([tokens.at(-1)!]), encoder_hidden_states: encoderStates, ...zeroedPast, use_cache_branch: flag(true) });
    const zeroedLogits = zeroed['logits']!.data as Float32Array;
    const lastRow = fullLogits.subarray((tokens.length - 1) * VOCAB_SIZE);
    expect(zeroedLogits.reduce((m, v, k) => Math.max(m, Math.abs(v - lastRow[k]!)), 0)).toBeGreaterThan(0.01);
  });

  it('onnxruntime-web (wasm, as in the browser) computes the same first step as onnxruntime-node', async () => {
    const run = async (runtime: typeof ort | typeof ortWeb) => {
      const bytes = async (file: string) => new Uint8Array(await readFile(join(modelDir, 'onnx', file)));
      const encoder = await runtime.InferenceSession.create(await bytes('encoder_model.onnx'));
      const decoder = await runtime.InferenceSession.create(await bytes('decoder_model_merged.onnx'));
      const features = new runtime.Tensor('float32', new Float32Array(80 * 3000).fill(-0.5), [1, 80, 3000]);
      const states = (await encoder.run({ input_features: features }))['last_hidden_state']!;
      const empty = Object.fromEntries(
        decoderCache('past_key_values', '').map(([name]) => [name, new runtime.Tensor('float32', new Float32Array(0), [1, HEADS, 0, HEAD_DIM])]),
      );
      const feeds = {
        input_ids: new runtime.Tensor('int64', BigInt64Array.from(PROMPT_IDS, BigInt), [1, PROMPT_IDS.length]),
        encoder_hidden_states: states,
        ...empty,
        use_cache_branch: new runtime.Tensor('bool', Uint8Array.of(0), [1]),
      };
      return (await decoder.run(feeds as Record<string, ort.Tensor & ortWeb.Tensor>))['logits']!.data as Float32Array;
    };
    ortWeb.env.wasm.numThreads = 1;
    const [node, web] = [await run(ort), await run(ortWeb)];
    expect(web.reduce((m, v, k) => Math.max(m, Math.abs(v - node[k]!)), 0)).toBeLessThan(1e-3);
  });
});

describe('tiny whisper: determinism', () => {
  it('two writes give byte-identical files', async () => {
    const other = await mkdtemp(join(tmpdir(), 'tiny-whisper-again-'));
    try {
      const files = await writeTinyWhisper(other);
      expect(files.sort()).toEqual(
        ['config.json', 'generation_config.json', 'onnx/decoder_model_merged.onnx', 'onnx/encoder_model.onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
      );
      const sha256 = async (dir: string, file: string) => createHash('sha256').update(await readFile(join(dir, file))).digest('hex');
      for (const file of files) expect(await sha256(other, file), file).toBe(await sha256(modelDir, file));
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
