/**
 * Process exit codes a script can rely on. README.md has the canonical table; keep both in step.
 * `run`/`exec` pass the container program's own code through instead (125/126/127 as `docker run`).
 */
export const ExitCode = {
  ok: 0,
  /** The operation was attempted and failed (engine, registry, runtime). */
  failed: 1,
  /** The command line itself is wrong: unknown flag, missing argument. */
  usage: 2,
  /** The stack file (or an env file it names) is invalid; nothing was changed. */
  invalidStack: 3,
  /** `run`: the engine could not create or start the container. */
  runEngineFailed: 125,
  /** `run`/`exec`: the program exists but could not be executed. */
  runCannotExecute: 126,
  /** `run`/`exec`: the program was not found. */
  runNotFound: 127,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
