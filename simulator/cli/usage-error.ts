/**
 * A command line that cannot be run as given (an unknown option, a malformed value). Every command exits
 * with status 2 for it, 1 when the work itself fails, as classify and eval document.
 */
export class UsageError extends Error {}

/** Runs `parse` and turns whatever it throws into a UsageError with the same message. */
export function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** `--help`: print the command's help on stdout and run nothing. */
export class HelpRequested extends Error {}

/**
 * The arguments `parse` makes of the command line; undefined when there is nothing to run: --help was
 * printed, or a usage error was (on stderr, `<command>: <problem>` and the usage line) with status 2.
 */
export function commandLine<T>(command: string, parse: () => T, text: { help: string; usage: string }): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(text.help);
      return undefined;
    }
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${command}: ${error.message}\n${text.usage}\n`);
    process.exitCode = 2;
    return undefined;
  }
}
