import { posix } from 'node:path';
import type { ParsedDocument } from '../document/parse-yaml.js';
import { isYamlMap, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import { describeValue, displayFile } from '../errors.js';
import type { FieldPath } from '../field-path.js';
import type { LoaderContext } from '../load-context.js';
import { loadDocuments, readStackFile } from '../load-model.js';
import { MergeConflictError, mergeYaml } from '../merge/merge-yaml.js';
import { resolveRelativePaths } from '../paths/resolve-paths.js';
import { removePaths } from './apply-resets.js';
import type { FileScope, FileStage } from './file-stage.js';

/** The services of a file named by `extends.file`, loaded once per scope. */
interface ExtendsSource {
  readonly file: string;
  readonly services: YamlMap;
  readonly resetPaths: readonly FieldPath[];
  /** Base of `extends.file` paths written in that file. */
  readonly workingDir: string;
}

/** Where resolution currently stands: the services map a reference is looked up in. */
interface Frame {
  readonly file: string;
  readonly services: YamlMap;
  readonly resetPaths: readonly FieldPath[];
  readonly workingDir: string;
  /** The document errors point into. */
  readonly root: YamlMap;
  /** Path of `services` in `root`. */
  readonly servicesPath: FieldPath;
}

const sourcesByScope = new WeakMap<FileScope, Map<string, ExtendsSource>>();

/**
 * Stage 4 — `extends` (05-services.md#extends): a service starts from a copy of the service it
 * extends (in this file or in `extends.file`, resolved recursively), then its own definition is
 * merged on top with the merge rules; `!reset` in the extending service clears inherited values.
 * Resources the base refers to are not imported. A cycle is an error.
 */
export const extendsStage: FileStage = {
  name: 'extends',
  modes: ['project', 'include'],
  async run(state, ctx, scope) {
    const doc = state.doc.value;
    const services = doc['services'];
    if (services === undefined) return state;
    if (!isYamlMap(services)) {
      return ctx.fail('SPEC_INVALID', `expected a mapping, got ${describeValue(services)}`, {
        root: doc,
        path: ['services'],
      });
    }
    const frame: Frame = {
      file: state.doc.file,
      services,
      resetPaths: state.doc.resetPaths,
      workingDir: scope.workingDir,
      root: doc,
      servicesPath: ['services'],
    };
    for (const name of Object.keys(services)) {
      await resolveService(name, frame, [], ctx, scope, state.doc.resetPaths);
    }
    return state;
  },
};

async function resolveService(
  name: string,
  frame: Frame,
  chain: readonly { file: string; service: string }[],
  ctx: LoaderContext,
  scope: FileScope,
  extenderResets: readonly FieldPath[],
): Promise<YamlValue> {
  const service = frame.services[name];
  if (service === null || service === undefined) return null;
  const servicePath = [...frame.servicesPath, name];
  if (!isYamlMap(service)) {
    return ctx.fail('SPEC_INVALID', `expected a service mapping, got ${describeValue(service)}`, {
      root: frame.root,
      path: servicePath,
    });
  }
  if (!Object.hasOwn(service, 'extends')) return service;
  const extendsPath = [...servicePath, 'extends'];
  const { ref, file } = readExtends(service['extends'] as YamlValue, extendsPath, frame, ctx);

  let baseFrame = frame;
  if (file !== undefined) {
    const source = await loadSource(
      posix.isAbsolute(file) ? file : posix.join(frame.workingDir, file),
      ctx,
      scope,
    );
    if (!Object.hasOwn(source.services, ref)) {
      return ctx.fail(
        'SPEC_REFERENCE',
        `cannot extend service "${name}": service "${ref}" not found in ${displayFile(source.file, ctx.displayBase)}`,
        { root: frame.root, path: extendsPath },
      );
    }
    baseFrame = {
      file: source.file,
      services: source.services,
      resetPaths: source.resetPaths,
      workingDir: source.workingDir,
      root: source.services,
      servicesPath: [],
    };
  } else if (!Object.hasOwn(frame.services, ref)) {
    return ctx.fail('SPEC_REFERENCE', `cannot extend service "${name}": service "${ref}" not found`, {
      root: frame.root,
      path: extendsPath,
      hint: `define services.${ref} in ${displayFile(frame.file, ctx.displayBase)}, or name its file with extends.file`,
    });
  }

  const link = { file: baseFrame.file, service: name };
  if (chain.some((c) => c.file === link.file && c.service === link.service)) {
    const steps = [...chain, link];
    const first = steps[0] as { file: string; service: string };
    const text = [
      `${first.service} in ${displayFile(first.file, ctx.displayBase)}`,
      ...steps.slice(1).map((s) => `extends ${s.service} in ${displayFile(s.file, ctx.displayBase)}`),
    ].join(' ');
    return ctx.fail('SPEC_CYCLE', `circular reference: ${text}`, {
      root: frame.root,
      path: extendsPath,
      hint: 'a service cannot extend itself, directly or through other services',
    });
  }

  const base = await resolveService(ref, baseFrame, [...chain, link], ctx, scope, baseFrame.resetPaths);
  if (base === null || !isYamlMap(base)) return service;
  const source = ctx.sourceMap.clone(base);
  const resets = extenderResets.filter((p) => p[0] === 'services' && p[1] === name).map((p) => p.slice(2));
  removePaths(source, resets);
  let merged: YamlMap;
  try {
    merged = mergeYaml(source, service, ['services', 'x'], { sourceMap: ctx.sourceMap }) as YamlMap;
  } catch (err) {
    if (!(err instanceof MergeConflictError)) throw err;
    return ctx.fail('SPEC_INVALID', `cannot merge this value onto the one of the extended service "${ref}"`, {
      root: frame.root,
      path: [...servicePath, ...err.path.slice(2)],
    });
  }
  delete merged['extends'];
  frame.services[name] = merged;
  return merged;
}

function readExtends(
  value: YamlValue,
  path: FieldPath,
  frame: Frame,
  ctx: LoaderContext,
): { ref: string; file: string | undefined } {
  if (typeof value === 'string') return { ref: value, file: undefined };
  if (isYamlMap(value)) {
    const ref = value['service'];
    if (typeof ref !== 'string') {
      return ctx.fail('SPEC_INVALID', 'extends.service is required (the name of the service to extend)', {
        root: frame.root,
        path,
      });
    }
    const file = value['file'];
    if (file !== undefined && file !== null && typeof file !== 'string') {
      return ctx.fail('SPEC_INVALID', `expected a file path, got ${describeValue(file)}`, {
        root: frame.root,
        path: [...path, 'file'],
      });
    }
    return { ref, file: typeof file === 'string' ? file : undefined };
  }
  return ctx.fail(
    'SPEC_INVALID',
    `expected a service name or an extends mapping, got ${describeValue(value)}`,
    {
      root: frame.root,
      path,
    },
  );
}

/**
 * Loads a file named by `extends.file`: interpolated with this scope's environment, merged and made
 * canonical, relative paths resolved against its own directory. Cached per scope: a base extended
 * by many services is read and parsed once.
 */
async function loadSource(file: string, ctx: LoaderContext, scope: FileScope): Promise<ExtendsSource> {
  let cache = sourcesByScope.get(scope);
  if (!cache) {
    cache = new Map();
    sourcesByScope.set(scope, cache);
  }
  const cached = cache.get(file);
  if (cached) return cached;
  const docs: ParsedDocument[] = await readStackFile({ path: file }, ctx);
  const dir = posix.dirname(file);
  const model = await loadDocuments(docs, { ...scope, mode: 'extends', workingDir: dir }, ctx);
  const services = model['services'];
  if (!isYamlMap(services)) {
    return ctx.fail(
      'SPEC_REFERENCE',
      `cannot extend from ${displayFile(file, ctx.displayBase)}: it has no services section`,
    );
  }
  resolveRelativePaths(model, {
    base: dir,
    home: scope.home,
    onMissingBindSource: (path) =>
      ctx.fail('SPEC_INVALID', 'invalid mount config for type "bind": field source must not be empty', {
        root: model,
        path,
      }),
  });
  const source: ExtendsSource = {
    file,
    services,
    resetPaths: docs.flatMap((d) => d.resetPaths),
    workingDir: dir,
  };
  cache.set(file, source);
  return source;
}
