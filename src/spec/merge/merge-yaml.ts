import type { SourceMap } from '../document/source-map.js';
import { isYamlMap, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import { formatPath, type FieldPath } from '../field-path.js';
import { MERGE_RULES } from './merge-rules.js';

/** Merging two values of incompatible shapes (a mapping over a list, ...). */
export class MergeConflictError extends Error {
  constructor(readonly path: FieldPath) {
    super(`cannot override ${formatPath(path)}`);
  }
}

/** What merge functions need besides the two values. */
export interface MergeEnv {
  readonly sourceMap: SourceMap;
}

/**
 * Merges `override` onto `base` with Compose's rules (13-merge.md): mappings merge key by key,
 * sequences append, a null override keeps the base, scalars are replaced; paths listed in
 * MERGE_RULES (merge-rules.ts) have their own rule. Mutates and returns `base` where it can.
 */
export function mergeYaml(base: YamlValue, override: YamlValue, path: FieldPath, env: MergeEnv): YamlValue {
  const rule = MERGE_RULES.get(path);
  if (rule) return rule(base, override, path, env);
  if (override === null) return base;
  if (Array.isArray(base)) {
    if (!Array.isArray(override)) throw new MergeConflictError(path);
    return appendItems(base, override, env);
  }
  if (isYamlMap(base)) {
    if (!isYamlMap(override)) throw new MergeConflictError(path);
    return mergeMappings(base, override, path, env);
  }
  return override;
}

export function mergeMappings(base: YamlMap, override: YamlMap, path: FieldPath, env: MergeEnv): YamlMap {
  for (const key of Object.keys(override)) {
    const value = override[key] as YamlValue;
    if (!Object.hasOwn(base, key)) {
      base[key] = value;
    } else {
      base[key] = mergeYaml(base[key] as YamlValue, value, [...path, key], env);
    }
    env.sourceMap.copyKey(base, key, override, key);
  }
  return base;
}

export function appendItems(base: YamlValue[], extra: readonly YamlValue[], env: MergeEnv): YamlValue[] {
  const offset = base.length;
  extra.forEach((item, i) => {
    base.push(item);
    env.sourceMap.copyItem(base, offset + i, extra, i);
  });
  return base;
}
