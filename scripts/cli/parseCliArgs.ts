import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { CliError } from './cliError';
import { errorMessage } from '../../src/errorMessage';

export interface CliSpec<O extends ParseArgsOptionsConfig> {
  /** One line such as "npm run -s analyze -- <in.wav> [--json]". */
  usage: string;
  /** Names of the required positional arguments, in order. */
  positionals: readonly string[];
  options: O;
}

/** Parses argv strictly; --help prints the usage and exits 0, anything unexpected is a usage error. */
export function parseCliArgs<O extends ParseArgsOptionsConfig>(spec: CliSpec<O>, argv: string[] = process.argv.slice(2)) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`usage: ${spec.usage}\n`);
    process.exit(0);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(spec.usage, errorMessage(error));
  }
  if (parsed.positionals.length !== spec.positionals.length) {
    throw usageError(spec.usage, `expected ${spec.positionals.join(' and ')}, got ${parsed.positionals.length} argument(s)`);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

export function usageError(usage: string, problem: string): CliError {
  return new CliError(`${problem}\nusage: ${usage}`);
}
