import { CliError } from './cliError';

/** Runs a CLI's main; a CliError becomes "<tool>: <message>" on stderr and its exit code. */
export async function runCli(toolName: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`${toolName}: ${error.message}\n`);
    process.exitCode = error.exitCode;
  }
}
