import { ExitCode } from './exit-codes.js';
import { TscError } from './tsc-error.js';

/** The command line is wrong (bad flag value, conflicting options). Exit code 2. */
export class UsageError extends TscError {
  readonly code = 'CLI_USAGE';
  readonly exitCode = ExitCode.usage;
}
