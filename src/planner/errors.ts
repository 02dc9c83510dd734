import { ExitCode } from '../common/exit-codes.js';
import { TscError } from '../common/tsc-error.js';

/**
 * Stable codes of planning failures. Scripts and tests match on them; never rename one.
 * - PLAN_CYCLE: the services' dependencies (depends_on, links, `service:` namespaces, volumes_from)
 *   form a cycle, so no order exists.
 * - PLAN_VOLUME_CHANGED: a volume's definition changed; recreating it loses its data, so it needs
 *   an explicit `-y`.
 * - PLAN_VOLUME_IN_USE: a volume to recreate is mounted by containers this run does not manage.
 * - PLAN_EXTERNAL_MISSING: a network or volume declared `external` does not exist.
 * - PLAN_RESOURCE_CONFLICT: a network or volume the stack would create exists but was not created
 *   by tscompose for this project.
 * - PLAN_IMAGE_MISSING: an image is needed, not present, and may not be pulled (`pull_policy: never`).
 * - PLAN_UNSUPPORTED: the stack asks for something the engine cannot do (and ignoring it would
 *   change behaviour): an `sctp` port, an external secret, `network_mode: bridge`, ….
 * - PLAN_CONFLICT: two settings that cannot both hold (`container_name` with several replicas).
 * - PLAN_REFERENCE: a service named on the command line is not in the stack.
 */
export type PlanErrorCode =
  | 'PLAN_CYCLE'
  | 'PLAN_VOLUME_CHANGED'
  | 'PLAN_VOLUME_IN_USE'
  | 'PLAN_EXTERNAL_MISSING'
  | 'PLAN_RESOURCE_CONFLICT'
  | 'PLAN_IMAGE_MISSING'
  | 'PLAN_UNSUPPORTED'
  | 'PLAN_CONFLICT'
  | 'PLAN_REFERENCE';

/** Failures that come from the stack itself (fixing the file fixes them): exit code 3. */
const STACK_CODES: ReadonlySet<PlanErrorCode> = new Set(['PLAN_CYCLE', 'PLAN_UNSUPPORTED', 'PLAN_CONFLICT']);

/**
 * Planning cannot produce an applicable plan. The message names the resource (`volume:data`,
 * `service:web`) and what was found; the hint says what to do.
 */
export class PlanError extends TscError {
  readonly exitCode: ExitCode;

  constructor(
    readonly code: PlanErrorCode,
    message: string,
    hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, hint, options);
    this.exitCode = STACK_CODES.has(code) ? ExitCode.invalidStack : ExitCode.failed;
  }
}
