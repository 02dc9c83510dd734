import type { ExitCode } from './exit-codes.js';

/**
 * Base of every failure a user is meant to read. A plain `Error` reaching `src/cli/main.ts` is a
 * bug and is reported with its stack; a `TscError` is printed as its message (plus hint) only.
 *
 * Shape of a message: where (file:line:col + field path, or a resource id), what was expected and
 * what was found. The hint says what to do about it.
 */
export abstract class TscError extends Error {
  /** Stable identifier, `AREA_PROBLEM`, safe for scripts and tests to match on. */
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;

  constructor(
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isTscError(err: unknown): err is TscError {
  return err instanceof TscError;
}
