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
