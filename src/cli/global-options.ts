import { UsageError } from '../common/usage-error.js';

export type ProgressMode = 'auto' | 'tty' | 'plain' | 'json' | 'quiet';
const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'tty', 'plain', 'json', 'quiet'];

/** The options Compose accepts before any subcommand, as commander hands them over. */
export interface RawGlobalOptions {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  profile?: string[];
  envFile?: string[];
  progress?: string;
  debug?: boolean;
  root?: string;
  parallel?: string;
}

export interface GlobalOptions {
  /** Stack files named on the command line or by COMPOSE_FILE; empty = discover. */
  readonly files: readonly string[];
  readonly projectName: string | undefined;
  readonly projectDirectory: string | undefined;
  readonly profiles: readonly string[];
  readonly envFiles: readonly string[];
  readonly progress: ProgressMode;
  readonly debug: boolean;
  /** Engine root; undefined = the engine's default (`/var/lib/tscompose`) or TSCOMPOSE_ROOT. */
  readonly root: string | undefined;
  /** Bounded parallelism for apply; -1 = unlimited. */
  readonly parallel: number;
  /** COMPOSE_DISABLE_ENV_FILE: do not read the project's `.env`. */
  readonly disableEnvFile: boolean;
}

function splitList(value: string | undefined, separator: string): string[] {
  if (value === undefined || value === '') return [];
  return value
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

/**
 * Applies Compose's precedence: a flag beats its environment variable.
 * COMPOSE_FILE is split on COMPOSE_PATH_SEPARATOR (default `:` on Linux), COMPOSE_PROFILES on `,`.
 */
export function resolveGlobalOptions(
  raw: RawGlobalOptions,
  env: Readonly<Record<string, string | undefined>>,
): GlobalOptions {
  const progress = (raw.progress ?? env['COMPOSE_PROGRESS'] ?? 'auto') as ProgressMode;
  if (!PROGRESS_MODES.includes(progress)) {
    throw new UsageError(
      `--progress: expected one of ${PROGRESS_MODES.join(', ')}, got "${String(raw.progress)}"`,
    );
  }
  const parallelText = raw.parallel ?? env['COMPOSE_PARALLEL_LIMIT'] ?? '-1';
  const parallel = Number(parallelText);
  if (!Number.isInteger(parallel) || parallel === 0 || parallel < -1) {
    throw new UsageError(`--parallel: expected a positive integer or -1, got "${parallelText}"`);
  }
  const fileFlags = raw.file ?? [];
  return {
    files:
      fileFlags.length > 0 ? fileFlags : splitList(env['COMPOSE_FILE'], env['COMPOSE_PATH_SEPARATOR'] ?? ':'),
    projectName: raw.projectName ?? emptyToUndefined(env['COMPOSE_PROJECT_NAME']),
    projectDirectory: raw.projectDirectory,
    profiles: raw.profile && raw.profile.length > 0 ? raw.profile : splitList(env['COMPOSE_PROFILES'], ','),
    envFiles: raw.envFile ?? [],
    progress,
    debug: raw.debug ?? false,
    root: raw.root ?? emptyToUndefined(env['TSCOMPOSE_ROOT']),
    parallel,
    disableEnvFile: isTruthy(env['COMPOSE_DISABLE_ENV_FILE']),
  };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
