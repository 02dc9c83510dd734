import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import {
  discoverStackFiles,
  enableServices,
  loadComposeModel,
  loadProject,
  mergeEnvironment,
  nodeFileReader,
  readProjectEnvFiles,
  selectServices,
  SpecError,
  type LoadedModel,
  type LoadOptions,
  type LoadSwitches,
  type Project,
  type SpecWarning,
  type StackFileInput,
} from '../spec/index.js';
import type { CliContext } from './cli-context.js';
import type { GlobalOptions } from './global-options.js';

export interface ProjectLoadRequest {
  /** Compose's `config --no-*` switches. */
  readonly switches?: Partial<LoadSwitches>;
  /**
   * Services named on the command line: their profiles are activated and the project is narrowed
   * to them and their dependencies (as `docker compose up web` does).
   */
  readonly services?: readonly string[];
}

/**
 * Turns the global options and the process context into the loader's options, the way Compose's
 * CLI does:
 * 1. `.env` of the project directory (or `--env-file`s, relative to the cwd) is read unless
 *    COMPOSE_DISABLE_ENV_FILE is set; the OS environment wins over it;
 * 2. files: `-f`, else COMPOSE_FILE (also from `.env`), else discovery from the project directory
 *    (or cwd) upwards, with the override file beside the one found; `-` reads stdin;
 * 3. the project directory: `--project-directory`, else the first file's directory, else the cwd;
 *    when it differs from the first guess, its `.env` adds the variables not set yet;
 * 4. profiles: `--profile`, else COMPOSE_PROFILES (also from `.env`); name: `-p`, else
 *    COMPOSE_PROJECT_NAME (also from `.env`), else the loader decides (name: or directory).
 * All host I/O of loading happens here or through the reader given to the loader.
 */
export async function resolveLoadOptions(
  globals: GlobalOptions,
  ctx: CliContext,
  request: ProjectLoadRequest = {},
): Promise<LoadOptions> {
  const cwd = ctx.cwd;
  const osEnvironment: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.env)) if (value !== undefined) osEnvironment[key] = value;
  if (!Object.hasOwn(osEnvironment, 'PWD')) osEnvironment['PWD'] = cwd;
  const absolute = (p: string): string => (p === '-' || posix.isAbsolute(p) ? p : posix.join(cwd, p));
  const projectDirectory =
    globals.projectDirectory === undefined ? undefined : absolute(globals.projectDirectory);
  const firstDir = (files: readonly string[]): string | undefined => {
    const file = files.find((f) => f !== '-');
    return file === undefined ? undefined : posix.dirname(file);
  };
  const explicitEnvFiles = globals.envFiles.map(absolute);
  const readEnv = async (dir: string): Promise<{ files: string[]; values: Record<string, string> }> => {
    let files = explicitEnvFiles;
    if (files.length === 0) {
      if (globals.disableEnvFile) return { files: [], values: {} };
      const dotEnv = posix.join(dir, '.env');
      files = (await isFile(dotEnv)) ? [dotEnv] : [];
    }
    const values = await readProjectEnvFiles(files, osEnvironment, {
      reader: nodeFileReader,
      signal: ctx.signal,
      displayBase: cwd,
      onUnset: (name) =>
        ctx.stderr.write(`warning: The "${name}" variable is not set. Defaulting to a blank string.\n`),
    });
    return { files, values };
  };

  let files = globals.files.map(absolute);
  const firstGuess = projectDirectory ?? firstDir(files) ?? cwd;
  const first = await readEnv(firstGuess);
  let environment = mergeEnvironment(osEnvironment, first.values);
  let envFiles = first.files;
  let discoveryWarnings: string[] = [];
  if (files.length === 0) {
    const fromEnv = environment['COMPOSE_FILE'];
    if (fromEnv !== undefined && fromEnv !== '') {
      files = fromEnv
        .split(environment['COMPOSE_PATH_SEPARATOR'] ?? ':')
        .map((f) => f.trim())
        .filter((f) => f !== '')
        .map(absolute);
    } else {
      const found = await discoverStackFiles(projectDirectory ?? cwd, isFile);
      if (!found) {
        throw new SpecError({
          code: 'SPEC_FILE',
          detail: `no configuration file provided: not found (looked for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml in ${projectDirectory ?? cwd} and its parents)`,
          hint: 'pass -f FILE or set COMPOSE_FILE',
        });
      }
      files = found.files;
      discoveryWarnings = found.warnings;
    }
  }
  const workingDir = projectDirectory ?? firstDir(files) ?? cwd;
  if (workingDir !== firstGuess && explicitEnvFiles.length === 0) {
    const second = await readEnv(workingDir);
    environment = mergeEnvironment(environment, second.values);
    envFiles = [...envFiles, ...second.files.filter((f) => !envFiles.includes(f))];
  }
  const profiles =
    globals.profiles.length > 0
      ? [...globals.profiles]
      : (environment['COMPOSE_PROFILES'] ?? '')
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '');
  const nameFromEnv = environment['COMPOSE_PROJECT_NAME'];
  const projectName =
    globals.projectName ?? (nameFromEnv === undefined || nameFromEnv === '' ? undefined : nameFromEnv);

  let stdinText: string | undefined;
  const inputs: StackFileInput[] = [];
  for (const file of files) {
    if (file === '-') {
      stdinText ??= await readStdin(ctx);
      inputs.push({ path: '-', content: stdinText });
    } else inputs.push({ path: file });
  }
  for (const warning of discoveryWarnings) ctx.stderr.write(`warning: ${warning}\n`);
  return {
    files: inputs,
    workingDir,
    environment,
    envFiles,
    ...(projectName === undefined ? {} : { projectName }),
    profiles,
    ...(osEnvironment['HOME'] === undefined ? {} : { homeDir: osEnvironment['HOME'] }),
    ...(request.switches ? { switches: request.switches } : {}),
    reader: nodeFileReader,
    onWarning: (w) => ctx.stderr.write(`warning: ${formatWarning(w, workingDir)}\n`),
    signal: ctx.signal,
  };
}

/** Loads the Project the command line designates (see resolveLoadOptions). */
export async function loadCliProject(
  globals: GlobalOptions,
  ctx: CliContext,
  request: ProjectLoadRequest = {},
): Promise<Project> {
  const options = await resolveLoadOptions(globals, ctx, request);
  let project = await loadProject(options);
  const services = request.services ?? [];
  if (services.length > 0) project = selectServices(enableServices(project, services), services);
  return project;
}

/** Loads the canonical model only (`config --no-interpolate`, `--variables`). */
export async function loadCliModel(
  globals: GlobalOptions,
  ctx: CliContext,
  request: ProjectLoadRequest = {},
): Promise<LoadedModel> {
  return loadComposeModel(await resolveLoadOptions(globals, ctx, request));
}

/** `compose.yaml:3:5: services.web.image: message`, file relative to the project directory. */
export function formatWarning(w: SpecWarning, base: string): string {
  const parts: string[] = [];
  if (w.position) {
    const prefix = base.endsWith('/') ? base : `${base}/`;
    const file = w.position.file.startsWith(prefix) ? w.position.file.slice(prefix.length) : w.position.file;
    parts.push(`${file}:${w.position.line}:${w.position.col}`);
  }
  if (w.path) parts.push(w.path);
  parts.push(w.message);
  return parts.join(': ');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readStdin(ctx: CliContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.stdin) {
    ctx.signal.throwIfAborted();
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
