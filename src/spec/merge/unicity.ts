import { VolumeSpecError, parseVolumeSpec } from '../canonical/volume-spec.js';
import type { SourceMap } from '../document/source-map.js';
import { describeValue } from '../errors.js';
import { isYamlMap, scalarToString, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import { RuleTable, type FieldPath, type RuleCursor } from '../field-path.js';

/** A list entry whose unique key cannot be computed (wrong type, unreadable short syntax). */
export class UnicityError extends Error {
  constructor(
    readonly path: FieldPath,
    readonly detail: string,
  ) {
    super(detail);
  }
}

type Indexer = (entry: YamlValue, path: FieldPath) => string;

const keyValue: Indexer = (entry, path) => {
  if (typeof entry !== 'string')
    throw new UnicityError(path, `expected a string, got ${describeValue(entry)}`);
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
};

const volumeTarget: Indexer = (entry, path) => {
  if (isYamlMap(entry)) {
    const target = entry['target'];
    if (typeof target !== 'string') throw new UnicityError(path, 'service volume is missing a mount target');
    return target;
  }
  if (typeof entry === 'string') {
    // Fast path for the usual `source:target[:mode]` (no variables, no Windows drive letters).
    if (!entry.includes('$') && !entry.includes('\\') && !/^[a-zA-Z]:/.test(entry) && entry.length > 2) {
      const parts = entry.split(':');
      if (parts.length <= 3 && parts.every((p) => p !== ''))
        return (parts.length === 1 ? parts[0] : parts[1]) as string;
    }
    try {
      return String(parseVolumeSpec(entry)['target']);
    } catch (err) {
      if (err instanceof VolumeSpecError) throw new UnicityError(path, err.message);
      throw err;
    }
  }
  return '';
};

const deviceTarget: Indexer = (entry, path) => {
  if (isYamlMap(entry)) {
    const target = entry['target'];
    if (typeof target !== 'string') throw new UnicityError(path, 'service device is missing a mount target');
    return target;
  }
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    return parts.length === 1 ? (parts[0] as string) : (parts[1] as string);
  }
  return '';
};

const exposed: Indexer = (entry, path) => {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'number' && Number.isInteger(entry)) return String(entry);
  throw new UnicityError(path, `unsupported expose value ${describeValue(entry)}`);
};

const mountTarget =
  (defaultDir: string): Indexer =>
  (entry, path) => {
    if (typeof entry === 'string') return `${defaultDir}/${entry}`;
    if (isYamlMap(entry)) {
      if (Object.hasOwn(entry, 'target')) return scalarToString(entry['target']);
      return `${defaultDir}/${scalarToString(entry['source'])}`;
    }
    throw new UnicityError(path, `expected a string or a mapping, got ${describeValue(entry)}`);
  };

const portKey: Indexer = (entry) => {
  if (typeof entry === 'number') return String(entry);
  if (typeof entry === 'string') return entry;
  if (isYamlMap(entry)) {
    const host = Object.hasOwn(entry, 'host_ip') ? scalarToString(entry['host_ip']) : '0.0.0.0';
    const published = Object.hasOwn(entry, 'published') ? scalarToString(entry['published']) : '<nil>';
    const protocol = Object.hasOwn(entry, 'protocol') ? scalarToString(entry['protocol']) : 'tcp';
    return `${host}:${published}:${scalarToString(entry['target'])}/${protocol}`;
  }
  return '';
};

const envFilePath: Indexer = (entry, path) => {
  if (typeof entry === 'string') return entry;
  if (isYamlMap(entry)) {
    if (!Object.hasOwn(entry, 'path')) throw new UnicityError(path, 'env_file entry is missing its path');
    return scalarToString(entry['path']);
  }
  return '';
};

/**
 * Lists whose entries are unique by a key (13-merge.md "Unique resources"): when files or extends
 * append entries, a later entry with the same key replaces the earlier one in place.
 */
const UNIQUE = new RuleTable<Indexer>([
  ['networks.*.labels', keyValue],
  ['networks.*.ipam.options', keyValue],
  ['services.*.annotations', keyValue],
  ['services.*.build.args', keyValue],
  ['services.*.build.additional_contexts', keyValue],
  ['services.*.build.platform', keyValue],
  ['services.*.build.tags', keyValue],
  ['services.*.build.labels', keyValue],
  ['services.*.cap_add', keyValue],
  ['services.*.cap_drop', keyValue],
  ['services.*.devices', deviceTarget],
  ['services.*.configs', mountTarget('')],
  ['services.*.deploy.labels', keyValue],
  ['services.*.dns', keyValue],
  ['services.*.dns_opt', keyValue],
  ['services.*.dns_search', keyValue],
  ['services.*.environment', keyValue],
  ['services.*.env_file', envFilePath],
  ['services.*.expose', exposed],
  ['services.*.labels', keyValue],
  ['services.*.links', keyValue],
  ['services.*.networks.*.aliases', keyValue],
  ['services.*.networks.*.link_local_ips', keyValue],
  ['services.*.ports', portKey],
  ['services.*.profiles', keyValue],
  ['services.*.secrets', mountTarget('/run/secrets')],
  ['services.*.sysctls', keyValue],
  ['services.*.tmpfs', keyValue],
  ['services.*.volumes', volumeTarget],
]);

/**
 * Removes redefinitions from unique-keyed lists, in place (keeps the first index, last value).
 * With `only` (a view of the model, see touched-by.ts), walks just the entries it holds.
 */
export function enforceUnicity(model: YamlMap, sourceMap: SourceMap, only?: YamlMap): void {
  walk(only ?? model, [], UNIQUE.cursor(), sourceMap);
}

function walk(
  node: YamlMap,
  path: (string | number)[],
  cursor: RuleCursor<Indexer>,
  sourceMap: SourceMap,
): void {
  for (const key of Object.keys(node)) {
    const child = cursor.step(key);
    if (!child) continue;
    const value = node[key] as YamlValue;
    path.push(key);
    if (isYamlMap(value)) walk(value, path, child, sourceMap);
    else if (Array.isArray(value)) {
      const indexer = child.rule;
      if (indexer) node[key] = dedupe(value, indexer, [...path], sourceMap);
    }
    path.pop();
  }
}

function dedupe(list: YamlValue[], indexer: Indexer, path: FieldPath, sourceMap: SourceMap): YamlValue[] {
  // Fast path, the common case: no duplicates, nothing to rebuild.
  const keys = list.map((entry, i) => indexer(entry, [...path, i]));
  if (new Set(keys).size === keys.length) return list;
  const out: YamlValue[] = [];
  const positions = sourceMap.itemLocs(list);
  const outPositions: (typeof positions)[number][] = [];
  const seen = new Map<string, number>();
  list.forEach((entry, i) => {
    const key = keys[i] as string;
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, out.length);
      out.push(entry);
      outPositions.push(positions[i]);
    } else {
      out[at] = entry;
      outPositions[at] = positions[i];
    }
  });
  if (out.length === list.length) return list;
  sourceMap.inherit(out, list);
  sourceMap.setItems(out, outPositions);
  return out;
}
