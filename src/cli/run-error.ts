import { ExitCode } from '../common/exit-codes.js';
import { TscError } from '../common/tsc-error.js';

/**
 * `run`: the engine could not create or start the one-off container. Exit code 125, as
 * `docker run` (the program's own failures pass its exit code through instead).
 */
export class RunEngineError extends TscError {
  readonly code = 'RUN_ENGINE_FAILED';
  readonly exitCode = ExitCode.runEngineFailed;
}
