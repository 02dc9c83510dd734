import { ExitCode } from '../common/exit-codes.js';
import { TscError } from '../common/tsc-error.js';

/**
 * A failure of the engine a user can act on: a missing image, a busy port, a native program that
 * could not start. `code` is stable (`ENGINE_*`, `IMAGE_*`, `NETWORK_*`, ...).
 */
export class EngineError extends TscError {
  readonly exitCode = ExitCode.failed;
  constructor(
    readonly code: string,
    message: string,
    hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, hint, options);
  }
}
