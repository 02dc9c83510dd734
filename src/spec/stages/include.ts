import { posix } from 'node:path';
import { isYamlMap, valuesEqual, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import { describeValue, displayFile } from '../errors.js';
import { mergeEnvironment, readProjectEnvFiles } from '../env/project-environment.js';
import type { FieldPath } from '../field-path.js';
import type { LoaderContext } from '../load-context.js';
import { loadModelFiles } from '../load-model.js';
import { findSchemaViolation } from '../schema/validate-schema.js';
import type { FileScope, FileStage } from './file-stage.js';

/** What an `include` entry asks for, in its long form. */
interface IncludeRequest {
  readonly paths: readonly string[];
  readonly projectDirectory: string | undefined;
  readonly envFiles: readonly string[] | undefined;
}

const IMPORTED = ['services', 'volumes', 'networks', 'secrets', 'configs', 'models'] as const;

/**
 * Stage 2 — `include` (14-include.md): each entry is loaded as a project of its own (its project
 * directory for relative paths, its own `.env` for defaults that the including project's
 * environment overrides, includes followed recursively), then its resources are copied into this
 * document. A resource both included and defined here, differently, is an error, and so is a file
 * that includes itself, directly or not.
 */
export const includeStage: FileStage = {
  name: 'include',
  modes: ['project', 'include'],
  async run(state, ctx, scope) {
    const doc = state.doc.value;
    if (!Object.hasOwn(doc, 'include')) return state;
    const entries = doc['include'];
    if (!Array.isArray(entries)) {
      return ctx.fail('SPEC_INVALID', `expected a list, got ${describeValue(entries as YamlValue)}`, {
        root: doc,
        path: ['include'],
      });
    }
    // Validated here: include entries are consumed before the document is validated as a whole.
    if (ctx.switches.validate) {
      const violation = findSchemaViolation({ include: entries });
      if (violation) {
        ctx.fail('SPEC_INVALID', violation.detail, {
          path: violation.displayPath,
          position: ctx.locate(doc, violation.path, violation.atKey ? 'key' : 'value'),
          ...(violation.hint ? { hint: violation.hint } : {}),
        });
      }
    }
    const chain = [...scope.includeChain, state.doc.file];
    for (let i = 0; i < entries.length; i++) {
      const request = readRequest(entries[i] as YamlValue, ['include', i], doc, ctx);
      await includeOne(request, ['include', i], doc, chain, ctx, scope);
    }
    delete doc['include'];
    return state;
  },
};

function readRequest(entry: YamlValue, path: FieldPath, doc: YamlMap, ctx: LoaderContext): IncludeRequest {
  const strings = (value: YamlValue | undefined, at: FieldPath): string[] | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    return ctx.fail('SPEC_INVALID', `expected a string or a list of strings, got ${describeValue(value)}`, {
      root: doc,
      path: at,
    });
  };
  if (typeof entry === 'string') return { paths: [entry], projectDirectory: undefined, envFiles: undefined };
  if (!isYamlMap(entry)) {
    return ctx.fail('SPEC_INVALID', `expected a path or an include mapping, got ${describeValue(entry)}`, {
      root: doc,
      path,
    });
  }
  const dir = entry['project_directory'];
  if (dir !== undefined && typeof dir !== 'string') {
    return ctx.fail('SPEC_INVALID', `expected a string, got ${describeValue(dir)}`, {
      root: doc,
      path: [...path, 'project_directory'],
    });
  }
  return {
    paths: strings(entry['path'], [...path, 'path']) ?? [],
    projectDirectory: dir,
    envFiles: strings(entry['env_file'], [...path, 'env_file']),
  };
}

async function includeOne(
  request: IncludeRequest,
  path: FieldPath,
  doc: YamlMap,
  chain: readonly string[],
  ctx: LoaderContext,
  scope: FileScope,
): Promise<void> {
  if (request.paths.length === 0) return;
  const files = request.paths.map((p) => (posix.isAbsolute(p) ? p : posix.join(scope.workingDir, p)));
  const main = files[0] as string;
  if (chain.includes(main)) {
    const cycle = [...chain.slice(chain.indexOf(main)), main].map((f) => displayFile(f, ctx.displayBase));
    ctx.fail('SPEC_CYCLE', `include cycle detected: ${cycle.join(' includes ')}`, {
      root: doc,
      path,
      hint: 'an included file must not include, directly or through others, a file that includes it',
    });
  }
  const projectDirectory =
    request.projectDirectory === undefined || request.projectDirectory === ''
      ? posix.dirname(main)
      : posix.isAbsolute(request.projectDirectory)
        ? request.projectDirectory
        : posix.join(scope.workingDir, request.projectDirectory);

  let envFiles: string[] = [];
  if (request.envFiles === undefined) {
    const dotEnv = posix.join(projectDirectory, '.env');
    if ((await ctx.readText(dotEnv)) !== undefined) envFiles = [dotEnv];
  } else {
    envFiles = request.envFiles
      .filter((f) => f !== '/dev/null')
      .map((f) => (posix.isAbsolute(f) ? f : posix.join(scope.workingDir, f)));
  }
  const envValues = await readProjectEnvFiles(envFiles, scope.environment, {
    reader: ctx.cachedReader,
    signal: ctx.signal,
    displayBase: ctx.displayBase,
    onUnset: (name) => ctx.warn(`The "${name}" variable is not set. Defaulting to a blank string.`),
  });
  const environment = mergeEnvironment(scope.environment, envValues);
  const imported = await loadModelFiles(
    files.map((p) => ({ path: p })),
    {
      mode: 'include',
      workingDir: projectDirectory,
      environment,
      lookup: (name) => (Object.hasOwn(environment, name) ? environment[name] : undefined),
      includeChain: chain,
      home: scope.home,
    },
    { workingDir: projectDirectory, environment, home: scope.home, resolvePaths: true },
    ctx,
  );
  importResources(imported, doc, path, main, ctx);
}

function importResources(
  imported: YamlMap,
  doc: YamlMap,
  path: FieldPath,
  from: string,
  ctx: LoaderContext,
): void {
  for (const section of IMPORTED) {
    const source = imported[section];
    if (!isYamlMap(source)) continue;
    const target: YamlMap = isYamlMap(doc[section]) ? (doc[section] as YamlMap) : {};
    for (const name of Object.keys(source)) {
      const value = source[name] as YamlValue;
      if (!Object.hasOwn(target, name)) {
        target[name] = value;
        ctx.sourceMap.copyKey(target, name, source, name);
        continue;
      }
      if (valuesEqual(target[name], value)) continue;
      ctx.fail(
        'SPEC_CONFLICT',
        `${section}.${name} is defined here and by the included ${displayFile(from, ctx.displayBase)}`,
        {
          root: doc,
          path: [section, name],
          which: 'key',
          hint: `rename one of them, or remove it from one file (included at ${path.join('.')})`,
        },
      );
    }
    doc[section] = target;
  }
}
