import { ExitCode } from '../common/exit-codes.js';
import { TscError } from '../common/tsc-error.js';

/**
 * Stable codes of reconciler failures (scripts and tests match on them; never rename one).
 * - RECONCILE_ACTION_FAILED: an action of the plan failed; the message names the resource
 *   (`service web (p-web-1)`, `network p_default`) and the engine's reason (the `cause`).
 * - RECONCILE_DEPENDENCY_FAILED: a `depends_on` condition cannot be met (dependency unhealthy,
 *   exited non-zero, has no healthcheck, has no container).
 * - RECONCILE_WAIT_TIMEOUT: a condition was not met before its deadline (`--wait-timeout`).
 * - RECONCILE_WAIT_FAILED: `up --wait`/`start --wait`: a container exited or became unhealthy.
 * - RECONCILE_UNSUPPORTED: the plan needs something not implemented yet (`build`).
 * - RECONCILE_INPUT_FAILED: a file behind a config or secret cannot be read to digest it.
 * - PROJECT_LOCKED: another command is changing the project and the caller chose not to wait.
 * - PROJECT_NO_CONTAINER: a command names a service (or index) without a matching container.
 */
export type ReconcileErrorCode =
  | 'RECONCILE_ACTION_FAILED'
  | 'RECONCILE_DEPENDENCY_FAILED'
  | 'RECONCILE_WAIT_TIMEOUT'
  | 'RECONCILE_WAIT_FAILED'
  | 'RECONCILE_UNSUPPORTED'
  | 'RECONCILE_INPUT_FAILED'
  | 'PROJECT_LOCKED'
  | 'PROJECT_NO_CONTAINER';

/** Applying a plan (or a project command) failed. Exit code 1. */
export class ReconcileError extends TscError {
  readonly exitCode = ExitCode.failed;

  constructor(
    readonly code: ReconcileErrorCode,
    message: string,
    hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, hint, options);
  }
}

/** The message of an error and of its causes, joined: `create p-web-1: IMAGE_NOT_FOUND: …`. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
