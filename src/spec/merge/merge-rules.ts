import { isYamlMap, scalarToString, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import { RuleTable, type FieldPath } from '../field-path.js';
import { appendItems, mergeMappings, type MergeEnv } from './merge-yaml.js';

type MergeRule = (base: YamlValue, override: YamlValue, path: FieldPath, env: MergeEnv) => YamlValue;

/** `command`, `entrypoint`, `healthcheck.test`, ulimits: the override replaces the base. */
const replace: MergeRule = (_base, override) => override;

/**
 * Attributes written as a mapping or as a `KEY=VALUE` list are merged as lists of `KEY=VALUE`
 * (mappings sorted by key); unicity (unicity.ts) then keeps the last value per key.
 */
const mergeToSequence: MergeRule = (base, override, _path, env) => {
  const left = toSequence(base, env);
  return appendItems(left, toSequence(override, env), env);
};

/** Like mergeToSequence, but entries already in the base are not repeated. */
const mergeExtraHosts: MergeRule = (base, override, _path, env) => {
  const left = toSequence(base, env);
  const right = toSequence(override, env);
  const seen = new Set(left.map((v) => scalarToString(v)));
  const fresh = right.filter((v) => !seen.has(scalarToString(v)));
  return appendItems(left, fresh, env);
};

/** `build: ./dir` is `build: {context: ./dir}` for merging. */
const mergeBuild: MergeRule = (base, override, path, env) => {
  const toBuild = (v: YamlValue): YamlMap => (typeof v === 'string' ? { context: v } : isYamlMap(v) ? v : {});
  return mergeMappings(toBuild(base), toBuild(override), path, env);
};

/** A `depends_on` list is a mapping of `{condition: service_started, required: true}`. */
const mergeDependsOn: MergeRule = (base, override, path, env) => {
  const defaults = (): YamlMap => ({ condition: 'service_started', required: true });
  return mergeMappings(toMapping(base, defaults, env), toMapping(override, defaults, env), path, env);
};

/** `networks`/`models` lists are mappings of null. */
const mergeNamedMapping: MergeRule = (base, override, path, env) =>
  mergeMappings(
    toMapping(base, () => null, env),
    toMapping(override, () => null, env),
    path,
    env,
  );

/** Logging options merge only when both sides name the same driver (or one names none). */
const mergeLogging: MergeRule = (base, override, path, env) => {
  if (!isYamlMap(base) || !isYamlMap(override)) return override;
  const sameDriver =
    !Object.hasOwn(override, 'driver') ||
    !Object.hasOwn(base, 'driver') ||
    override['driver'] === base['driver'];
  return sameDriver ? mergeMappings(base, override, path, env) : override;
};

/**
 * IPAM pools merge when they have the same subnet; an override pool with another subnet replaces
 * the base pools (compose-go's behaviour, kept as is).
 */
const mergeIpamConfig: MergeRule = (base, override, path, env) => {
  if (!Array.isArray(base) || !Array.isArray(override)) return override;
  const result: YamlMap[] = [];
  const indexOfSubnet = (subnet: YamlValue | undefined): number =>
    result.findIndex((pool) => pool['subnet'] === subnet);
  for (const original of base) {
    if (!isYamlMap(original)) continue;
    for (const pool of override) {
      if (!isYamlMap(pool)) continue;
      if (pool['subnet'] !== original['subnet'] && indexOfSubnet(pool['subnet']) < 0) {
        result.push(pool);
        continue;
      }
      const merged = mergeMappings(original, pool, path, env);
      const at = indexOfSubnet(merged['subnet']);
      if (at >= 0) result[at] = merged;
      else result.push(merged);
    }
  }
  return result;
};

function toSequence(value: YamlValue, env: MergeEnv): YamlValue[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  if (!isYamlMap(value)) return [];
  const entries: { text: string; key: string }[] = [];
  for (const key of Object.keys(value)) {
    const v = value[key] as YamlValue;
    if (v === null) entries.push({ text: key, key });
    else if (Array.isArray(v))
      for (const item of v) entries.push({ text: `${key}=${scalarToString(item)}`, key });
    else entries.push({ text: `${key}=${scalarToString(v)}`, key });
  }
  entries.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const out: YamlValue[] = [];
  entries.forEach((e, i) => {
    out.push(e.text);
    env.sourceMap.copyItem(out, i, value, e.key);
  });
  return out;
}

function toMapping(value: YamlValue, defaults: () => YamlValue, env: MergeEnv): YamlMap {
  if (isYamlMap(value)) return value;
  const out: YamlMap = {};
  if (!Array.isArray(value)) return out;
  value.forEach((item, i) => {
    const key = scalarToString(item);
    out[key] = defaults();
    env.sourceMap.copyKey(out, key, value, i);
  });
  return out;
}

/** Merge rules that differ from "mappings merge, sequences append", keyed by path pattern. */
export const MERGE_RULES = new RuleTable<MergeRule>([
  ['networks.*.ipam.config', mergeIpamConfig],
  ['networks.*.labels', mergeToSequence],
  ['volumes.*.labels', mergeToSequence],
  ['services.*.annotations', mergeToSequence],
  ['services.*.build', mergeBuild],
  ['services.*.build.args', mergeToSequence],
  ['services.*.build.additional_contexts', mergeToSequence],
  ['services.*.build.extra_hosts', mergeExtraHosts],
  ['services.*.build.labels', mergeToSequence],
  ['services.*.command', replace],
  ['services.*.depends_on', mergeDependsOn],
  ['services.*.deploy.labels', mergeToSequence],
  ['services.*.dns', mergeToSequence],
  ['services.*.dns_opt', mergeToSequence],
  ['services.*.dns_search', mergeToSequence],
  ['services.*.entrypoint', replace],
  ['services.*.env_file', mergeToSequence],
  ['services.*.label_file', mergeToSequence],
  ['services.*.environment', mergeToSequence],
  ['services.*.extra_hosts', mergeExtraHosts],
  ['services.*.healthcheck.test', replace],
  ['services.*.labels', mergeToSequence],
  ['services.*.logging', mergeLogging],
  ['services.*.models', mergeNamedMapping],
  ['services.*.networks', mergeNamedMapping],
  ['services.*.sysctls', mergeToSequence],
  ['services.*.tmpfs', mergeToSequence],
  ['services.*.ulimits.*', replace],
]);
