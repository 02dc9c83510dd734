import { ExitCode } from './exit-codes.js';
import { TscError } from './tsc-error.js';

/** The user interrupted the command (SIGINT/SIGTERM). Exit code 130. */
export class InterruptedError extends TscError {
  readonly code = 'INTERRUPTED';
  readonly exitCode = ExitCode.interrupted;
  constructor(message = 'interrupted', options?: ErrorOptions) {
    super(message, undefined, options);
  }
}
