/** Exit code for bad input or bad usage, as opposed to 1 for a crash. */
export const EXIT_BAD_INPUT = 2;
/** Exit code for a broken installation (a missing model file). */
export const EXIT_ENVIRONMENT = 1;

/** An expected failure: its message is printed as is, without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_BAD_INPUT,
  ) {
    super(message);
  }
}
