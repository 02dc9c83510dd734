import { posix } from 'node:path';
import { bindModel } from './bind/bind-model.js';
import type { ParsedDocument } from './document/parse-yaml.js';
import type { YamlMap } from './document/yaml-value.js';
import type { Environment } from './env/project-environment.js';
import { MissingVariableError, TemplateSyntaxError, substitute } from './interpolation/template.js';
import { LoaderContext, type LoadSwitches, type SpecWarning } from './load-context.js';
import { loadDocuments, readStackFile, runModelStages, type StackFileInput } from './load-model.js';
import { assertValidProjectName, normalizeProjectName } from './project-name.js';
import { nodeFileReader, type SpecFileReader } from './spec-file-reader.js';
import { applyProfilesStage } from './stages/apply-profiles.js';
import { checkConsistencyStage } from './stages/check-consistency.js';
import type { FileScope } from './stages/file-stage.js';
import { normalizeStage } from './stages/normalize.js';
import type { ProjectStage } from './stages/project-stage.js';
import { resolveLabelsStage } from './stages/resolve-labels.js';
import { resolveServiceEnvironmentStage } from './stages/resolve-service-environment.js';
import type { Project } from './types.js';

export type { StackFileInput };

export interface LoadOptions {
  /** Stack files in merge order (absolute paths); `content` given for stdin (`-`). */
  readonly files: readonly StackFileInput[];
  /** Absolute project directory: relative paths and `.env` are relative to it. */
  readonly workingDir: string;
  /**
   * Variables for interpolation: the OS environment merged with `.env`/`--env-file` values, OS
   * winning (see `readProjectEnvFiles` and `mergeEnvironment`). The loader reads no other env.
   */
  readonly environment: Environment;
  /** Env files the environment was read from (recorded on the project). */
  readonly envFiles?: readonly string[];
  /** `-p`/COMPOSE_PROJECT_NAME: validated, then wins over `name:` and the directory name. */
  readonly projectName?: string;
  /** Selected profiles (`--profile`, COMPOSE_PROFILES). */
  readonly profiles?: readonly string[];
  /** `~` expands to this; defaults to `environment.HOME`. */
  readonly homeDir?: string;
  /** Compose's `config --no-*` switches; all true by default. */
  readonly switches?: Partial<LoadSwitches>;
  /** Defaults to the local filesystem. */
  readonly reader?: SpecFileReader;
  readonly onWarning?: (warning: SpecWarning) => void;
  readonly signal?: AbortSignal;
}

/** The stages run on the bound project, in order (profiles before consistency: see README). */
export const PROJECT_STAGES: readonly ProjectStage[] = [
  applyProfilesStage,
  checkConsistencyStage,
  resolveServiceEnvironmentStage,
  resolveLabelsStage,
];

const DEFAULT_SWITCHES: LoadSwitches = {
  interpolate: true,
  normalize: true,
  consistency: true,
  resolvePaths: true,
  resolveEnvironment: true,
  validate: true,
};

/** The canonical model and what was decided while loading it. */
export interface LoadedModel {
  readonly model: YamlMap;
  readonly projectName: string;
  /** The interpolation environment, with COMPOSE_PROJECT_NAME set. */
  readonly environment: Record<string, string>;
}

/**
 * Loads a stack into the canonical document model, as compose-go's LoadModel: parsed,
 * interpolated, included, extended, merged, validated, canonical, with defaults, absolute paths and
 * (unless switched off) normalization. `config --no-interpolate` prints this model.
 */
export async function loadComposeModel(options: LoadOptions): Promise<LoadedModel> {
  const switches: LoadSwitches = { ...DEFAULT_SWITCHES, ...options.switches };
  const ctx = new LoaderContext(
    options.reader ?? nodeFileReader,
    switches,
    options.workingDir,
    options.onWarning,
    options.signal,
  );
  return loadWithContext(options, ctx);
}

async function loadWithContext(options: LoadOptions, ctx: LoaderContext): Promise<LoadedModel> {
  if (options.files.length === 0) {
    return ctx.fail('SPEC_FILE', 'no stack file given', {
      hint: 'pass -f FILE, set COMPOSE_FILE, or run where a compose.yaml is',
    });
  }
  const docs: ParsedDocument[] = [];
  for (const file of options.files) docs.push(...(await readStackFile(file, ctx)));
  const projectName = decideProjectName(options, docs, ctx);
  const environment: Record<string, string> = { ...options.environment, COMPOSE_PROJECT_NAME: projectName };
  const home = options.homeDir ?? environment['HOME'];
  const scope: FileScope = {
    mode: 'project',
    workingDir: options.workingDir,
    environment,
    lookup: (name) => (Object.hasOwn(environment, name) ? environment[name] : undefined),
    includeChain: [],
    home,
  };
  let model = await loadDocuments(docs, scope, ctx);
  const modelScope = {
    workingDir: options.workingDir,
    environment,
    home,
    resolvePaths: ctx.switches.resolvePaths,
    projectName,
  };
  model = runModelStages(model, ctx, modelScope);
  if (Object.keys(model).length === 0) {
    ctx.fail('SPEC_INVALID', 'empty compose file', {
      position: { file: options.files[0]?.path ?? '', line: 1, col: 1 },
      hint: 'a stack file declares at least services:',
    });
  }
  model = normalizeStage.run(model, ctx, modelScope);
  return { model, projectName, environment };
}

/**
 * Loads a stack into the normalized Project: loadComposeModel, then binding to the typed model,
 * profiles, consistency checks, env_file and label_file resolution. Throws SpecError (exit code 3)
 * with `file:line:col: path: detail` for anything invalid; warnings go to `onWarning`.
 */
export async function loadProject(options: LoadOptions): Promise<Project> {
  const switches: LoadSwitches = { ...DEFAULT_SWITCHES, ...options.switches };
  const ctx = new LoaderContext(
    options.reader ?? nodeFileReader,
    switches,
    options.workingDir,
    options.onWarning,
    options.signal,
  );
  const { model, projectName, environment } = await loadWithContext(options, ctx);
  const bound = bindModel(model, ctx);
  let project: Project = {
    name: projectName,
    ...bound,
    workingDir: options.workingDir,
    files: options.files.map((f) => f.path),
    environment,
    envFiles: [...(options.envFiles ?? [])],
    profiles: [...(options.profiles ?? [])],
    disabledServices: {},
  };
  for (const stage of PROJECT_STAGES) {
    ctx.signal?.throwIfAborted();
    project = await stage.run(project, ctx, model);
  }
  return project;
}

/**
 * Project name precedence (Compose's): `-p`/COMPOSE_PROJECT_NAME (validated), else the last
 * `name:` of the stack files (interpolated, normalized), else the project directory's name
 * (normalized).
 */
function decideProjectName(
  options: LoadOptions,
  docs: readonly ParsedDocument[],
  ctx: LoaderContext,
): string {
  if (options.projectName !== undefined) {
    assertValidProjectName(options.projectName, 'project name');
    return options.projectName;
  }
  let fromFile: { doc: ParsedDocument; value: string } | undefined;
  for (const doc of docs) {
    const name = doc.value['name'];
    if (typeof name === 'string' && name !== '') fromFile = { doc, value: name };
  }
  if (fromFile) {
    let name = fromFile.value;
    if (ctx.switches.interpolate) {
      const env = options.environment;
      try {
        name = substitute(name, (v) => (Object.hasOwn(env, v) ? env[v] : undefined), {
          onUnset: (v) =>
            ctx.warn(`The "${v}" variable is not set. Defaulting to a blank string.`, fromFile?.doc.value, [
              'name',
            ]),
        });
      } catch (err) {
        if (err instanceof MissingVariableError || err instanceof TemplateSyntaxError) {
          ctx.fail('SPEC_INTERPOLATION', err.message, {
            root: fromFile.doc.value,
            path: ['name'],
            cause: err,
          });
        }
        throw err;
      }
    }
    if (ctx.switches.normalize) name = normalizeProjectName(name);
    if (name === '') {
      ctx.fail(
        'SPEC_PROJECT_NAME',
        `project name must not be empty (name ${JSON.stringify(fromFile.value)} has no valid character)`,
        {
          root: fromFile.doc.value,
          path: ['name'],
          hint: 'use lower-case letters, digits, "_" and "-"',
        },
      );
    }
    return name;
  }
  const fromDir = normalizeProjectName(posix.basename(options.workingDir));
  if (fromDir === '') {
    ctx.fail(
      'SPEC_PROJECT_NAME',
      `project name must not be empty (directory ${options.workingDir} gives none)`,
      {
        hint: 'set name: in the stack file, or pass -p NAME',
      },
    );
  }
  return fromDir;
}
