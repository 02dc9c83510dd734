import { ExitCode } from '../../common/exit-codes.js';
import { TscError } from '../../common/tsc-error.js';
import { EngineError } from '../errors.js';

/** `CONTAINER_NOT_FOUND` naming what the caller asked for. */
export function containerNotFound(ref: string): EngineError {
  return new EngineError(
    'CONTAINER_NOT_FOUND',
    `container ${ref} not found`,
    'list containers with `tscompose container ls -a`',
  );
}

/** A container that must not run for the operation (rm without -f, commit of a gone one, ...). */
export function containerNotRunning(name: string, op: string, state: string): EngineError {
  return new EngineError(
    'CONTAINER_NOT_RUNNING',
    `container ${name}: cannot ${op}: it is ${state}`,
    'start it first with `tscompose container start`',
  );
}

/**
 * `run`'s failure before the program ran, with `docker run`'s exit codes: 125 when the engine
 * failed, 126 when the program exists but cannot be executed, 127 when it was not found. Only a
 * failed start carries the runtime's reason about the program; any other failure (a bad option,
 * a profile file that is missing) is the engine's, whatever its text says. The message is the
 * engine's (the runtime's reason included).
 */
export class RunFailedError extends TscError {
  readonly code: string;
  readonly exitCode: ExitCode;
  constructor(cause: TscError) {
    super(cause.message, cause.hint, { cause });
    this.code = (cause as { code?: string }).code ?? 'CONTAINER_START_FAILED';
    this.exitCode =
      this.code === 'CONTAINER_START_FAILED' ? runExitCodeFor(cause.message) : ExitCode.runEngineFailed;
  }
}

/** docker CLI's rule (cli/command/container/run.go): classify a start error by its text. */
export function runExitCodeFor(message: string): ExitCode {
  if (/executable file not found|no such file or directory/i.test(message)) return ExitCode.runNotFound;
  if (/permission denied|is a directory/i.test(message)) return ExitCode.runCannotExecute;
  return ExitCode.runEngineFailed;
}
