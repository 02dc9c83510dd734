import { SpecError } from '../errors.js';
import { MissingVariableError, TemplateSyntaxError } from '../interpolation/template.js';
import type { SpecFileReader } from '../spec-file-reader.js';
import { EnvFileSyntaxError, parseEnvFile, parseRawEnvFile } from './env-file-parser.js';

export type Environment = Readonly<Record<string, string>>;

export interface ReadEnvFileOptions {
  readonly reader: SpecFileReader;
  /** Variables that win over the file's own keys when its values are interpolated. */
  readonly lookup?: (name: string) => string | undefined;
  /** `raw` = docker run's format; anything else but the default is an error. */
  readonly format?: string;
  readonly onUnset?: (name: string) => void;
  readonly signal?: AbortSignal;
  /** Shown in messages relative to this directory. */
  readonly displayBase?: string;
}

/**
 * Parses one env file into `into`. A missing file returns false (the caller decides whether that is
 * an error); a syntax error or a failed `${VAR:?}` is a SpecError naming the file and line.
 */
export async function readEnvFile(
  path: string,
  into: Record<string, string>,
  options: ReadEnvFileOptions,
): Promise<boolean> {
  const text = await options.reader.readText(path, options.signal);
  if (text === undefined) return false;
  const format = options.format ?? '';
  try {
    if (format === 'raw') parseRawEnvFile(text, into, options.lookup);
    else if (format === '' || format === '.env') {
      parseEnvFile(text, into, { lookup: options.lookup, onUnset: options.onUnset });
    } else {
      throw new SpecError({
        code: 'SPEC_INVALID',
        detail: `unsupported env_file format "${format}" for ${path}`,
        hint: 'leave format unset (Compose syntax) or use "raw"',
      });
    }
  } catch (err) {
    if (err instanceof EnvFileSyntaxError) {
      throw new SpecError({
        code: 'SPEC_ENV_FILE',
        detail: err.reason,
        position: { file: path, line: err.line, col: 1 },
        displayBase: options.displayBase,
        cause: err,
      });
    }
    if (err instanceof MissingVariableError || err instanceof TemplateSyntaxError) {
      throw new SpecError({
        code: 'SPEC_INTERPOLATION',
        detail: `${path}: ${err.message}`,
        cause: err,
      });
    }
    throw err;
  }
  return true;
}

/**
 * The values of the project's env files (`.env`, or the `--env-file` list: later files win), each
 * interpolated with the OS environment first, then with the keys read so far. Every file must exist.
 */
export async function readProjectEnvFiles(
  paths: readonly string[],
  osEnvironment: Environment,
  options: Omit<ReadEnvFileOptions, 'lookup' | 'format'>,
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const path of paths) {
    const found = await readEnvFile(path, values, {
      ...options,
      lookup: (name) => (Object.hasOwn(osEnvironment, name) ? osEnvironment[name] : values[name]),
    });
    if (!found) {
      throw new SpecError({ code: 'SPEC_FILE', detail: `couldn't find env file: ${path}` });
    }
  }
  return values;
}

/**
 * The environment used for interpolation: the OS environment, plus the env files' keys it does not
 * already have. The OS environment always wins (compose-go's Mapping.Merge adds missing keys only).
 */
export function mergeEnvironment(
  osEnvironment: Environment,
  fileValues: Environment,
): Record<string, string> {
  const out: Record<string, string> = { ...osEnvironment };
  for (const [key, value] of Object.entries(fileValues)) {
    if (!Object.hasOwn(out, key)) out[key] = value;
  }
  return out;
}
