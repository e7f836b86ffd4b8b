// CLI entry of `npm run models -- <pack> [--verify] [--record] [--base-url URL]`.
import { runModelsCli } from './modelsCli';

process.exitCode = await runModelsCli(process.argv.slice(2), {
  stdout: { write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY === true },
  stderr: process.stderr,
  env: process.env,
});
