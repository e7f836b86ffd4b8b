// Opens a pack's ES4R component (es4r.json + graphs) from any file reader: the Cache-backed fetch in a worker, the
// file system in Node. The ASR side takes the speech encoder, the LLM side the cross-attention.
import { CrossAttention } from './crossAttention';
import { parseEs4rConfig, type Es4rConfig } from './es4rConfig';
import { SpeechEncoder } from './speechEncoder';

/** Reads a file of the component by its path relative to the component's directory. */
export type ReadComponentFile = (path: string) => Promise<Uint8Array>;

export const ES4R_CONFIG_FILE = 'es4r.json';

export async function readEs4rConfig(read: ReadComponentFile): Promise<Es4rConfig> {
  const bytes = await read(ES4R_CONFIG_FILE);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error(`${ES4R_CONFIG_FILE} is not valid JSON; rebuild the component with npm run es4r:import`);
  }
  return parseEs4rConfig(json, ES4R_CONFIG_FILE);
}

export async function loadSpeechEncoder(read: ReadComponentFile): Promise<SpeechEncoder> {
  const config = await readEs4rConfig(read);
  const [subsampler, affectAttention, adapter] = await Promise.all([
    read(config.files.subsampler.path),
    read(config.files.affectAttention.path),
    read(config.files.adapter.path),
  ]);
  return SpeechEncoder.create(config, { subsampler, affectAttention, adapter });
}

export async function loadCrossAttention(read: ReadComponentFile): Promise<CrossAttention> {
  const config = await readEs4rConfig(read);
  return CrossAttention.create(config, await read(config.files.crossAttention.path));
}
