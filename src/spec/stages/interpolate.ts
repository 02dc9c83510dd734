import { isYamlMap, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import type { FieldPath, RuleCursor } from '../field-path.js';
import { TYPE_CASTS, type Cast } from '../interpolation/type-casts.js';
import { MissingVariableError, TemplateSyntaxError, substitute } from '../interpolation/template.js';
import type { LoaderContext } from '../load-context.js';
import type { FileScope, FileStage } from './file-stage.js';

/**
 * Stage 1 — interpolation, per file and before anything else reads values, so that validation sees
 * `replicas: ${N}` as a number. Values only, never keys; then strings at typed paths are cast.
 */
export const interpolateStage: FileStage = {
  name: 'interpolate',
  modes: ['project', 'include', 'extends'],
  run(state, ctx, scope) {
    if (ctx.switches.interpolate) interpolateDocument(state.doc.value, ctx, scope);
    return state;
  },
};

export function interpolateDocument(root: YamlMap, ctx: LoaderContext, scope: FileScope): void {
  walk(root, [], TYPE_CASTS.cursor(), root, ctx, scope);
}

/** Walks the document with a cursor in the cast table (no per-string table lookup). */
function walk(
  node: YamlValue,
  path: (string | number)[],
  casts: RuleCursor<Cast> | undefined,
  root: YamlMap,
  ctx: LoaderContext,
  scope: FileScope,
): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const item = node[i] as YamlValue;
      path.push(i);
      const next = casts?.step(i);
      if (typeof item === 'string') node[i] = interpolateString(item, path, next?.rule, root, ctx, scope);
      else walk(item, path, next, root, ctx, scope);
      path.pop();
    }
    return;
  }
  if (!isYamlMap(node)) return;
  for (const key of Object.keys(node)) {
    const item = node[key] as YamlValue;
    path.push(key);
    const next = casts?.step(key);
    if (typeof item === 'string') node[key] = interpolateString(item, path, next?.rule, root, ctx, scope);
    else walk(item, path, next, root, ctx, scope);
    path.pop();
  }
}

function interpolateString(
  value: string,
  path: FieldPath,
  cast: Cast | undefined,
  root: YamlMap,
  ctx: LoaderContext,
  scope: FileScope,
): YamlValue {
  let result: string;
  try {
    result = substitute(value, scope.lookup, {
      onUnset: (name) =>
        ctx.warn(`The "${name}" variable is not set. Defaulting to a blank string.`, root, [...path]),
    });
  } catch (err) {
    if (err instanceof MissingVariableError) {
      ctx.fail('SPEC_INTERPOLATION', err.message, {
        root,
        path: [...path],
        hint: `set ${err.variable} in the environment or in the project's .env file`,
        cause: err,
      });
    }
    if (err instanceof TemplateSyntaxError) {
      ctx.fail('SPEC_INTERPOLATION', `invalid interpolation format: ${JSON.stringify(value)}`, {
        root,
        path: [...path],
        hint: 'write $$ for a literal $; variables are $NAME or ${NAME}, with :- - :? ? :+ + operators',
        cause: err,
      });
    }
    throw err;
  }
  if (!cast) return result;
  const converted = cast(result, (message) => ctx.warn(message, root, [...path]));
  if (converted.ok) return converted.value;
  return ctx.fail('SPEC_INVALID', `expected ${converted.expected}, got ${JSON.stringify(result)}`, {
    root,
    path: [...path],
  });
}
