import { ExitCode } from '../common/exit-codes.js';
import { TscError } from '../common/tsc-error.js';

/**
 * Stable codes of stack-file failures. Scripts and tests match on them; never rename one.
 * - SPEC_YAML: the file is not valid YAML (syntax, duplicate key, non-string key).
 * - SPEC_INVALID: the document does not match the Compose Specification (unknown key, wrong type,
 *   a value the canonical form cannot parse).
 * - SPEC_INTERPOLATION: `${VAR:?msg}` unset, or a malformed `${...}` template.
 * - SPEC_CYCLE: a cycle in `extends`, `include` or `depends_on`.
 * - SPEC_REFERENCE: a reference to something the stack does not define (network, volume, secret,
 *   config, model, service) or to a service not active in the selected profiles.
 * - SPEC_CONFLICT: two definitions that cannot both hold (an include redefining a resource,
 *   `container_name` with replicas, mutually exclusive attributes).
 * - SPEC_FILE: a stack, env or label file that cannot be read.
 * - SPEC_ENV_FILE: an env or label file with a syntax error.
 * - SPEC_PROJECT_NAME: a project name that is empty or not in Compose's form.
 */
export type SpecErrorCode =
  | 'SPEC_YAML'
  | 'SPEC_INVALID'
  | 'SPEC_INTERPOLATION'
  | 'SPEC_CYCLE'
  | 'SPEC_REFERENCE'
  | 'SPEC_CONFLICT'
  | 'SPEC_FILE'
  | 'SPEC_ENV_FILE'
  | 'SPEC_PROJECT_NAME';

/** Where in a source file something was written (1-based line and column). */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface SpecErrorDetails {
  readonly code: SpecErrorCode;
  /** What was expected and what was found: `expected a port or range, got "http"`. */
  readonly detail: string;
  /** The field, as users write it: `services.web.ports[1]`. */
  readonly path?: string;
  readonly position?: SourcePosition;
  /** How file names are shown: relative to this directory when the file lies below it. */
  readonly displayBase?: string;
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * A stack file (or an env/label file it names) is invalid. Exit code 3 (`ExitCode.invalidStack`).
 * The message reads `file:line:col: path: detail`, each part present when known:
 * `compose.yaml:12:9: services.web.ports[1]: expected a port or range, got "http"`.
 */
export class SpecError extends TscError {
  readonly code: SpecErrorCode;
  readonly exitCode = ExitCode.invalidStack;
  readonly detail: string;
  readonly path: string | undefined;
  readonly position: SourcePosition | undefined;

  constructor(details: SpecErrorDetails) {
    super(
      formatSpecMessage(details),
      details.hint,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = details.code;
    this.detail = details.detail;
    this.path = details.path;
    this.position = details.position;
  }
}

/** `dir/compose.yaml` relative to `base` when below it, else the absolute path. */
export function displayFile(file: string, base: string | undefined): string {
  if (base === undefined || base === '') return file;
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}

function formatSpecMessage(d: SpecErrorDetails): string {
  const parts: string[] = [];
  if (d.position)
    parts.push(`${displayFile(d.position.file, d.displayBase)}:${d.position.line}:${d.position.col}`);
  if (d.path !== undefined && d.path !== '') parts.push(d.path);
  parts.push(d.detail);
  return parts.join(': ');
}

/** Short description of a YAML value for "expected X, got Y" messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}
