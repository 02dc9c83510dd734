import type { Loc } from '../document/source-map.js';
import { describeValue } from '../errors.js';
import { isYamlMap, scalarToString, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import { RuleTable, type FieldPath } from '../field-path.js';
import { PortSpecError, parsePortSpec } from './port-spec.js';
import { VolumeSpecError, parseVolumeSpec } from './volume-spec.js';
import { cleanPath } from './clean-path.js';

/** What a canonical rule can use: recursion into children, positions, errors, warnings. */
export interface CanonicalTools {
  /** Transforms the children of `value` with the rule table (the default behaviour). */
  descend(value: YamlValue, path: FieldPath): YamlValue;
  /** Marks `node` (a container built by a rule) as written at `pos`. */
  placed<T extends YamlValue>(node: T, pos: Loc | undefined): T;
  /** Keeps unparseable short syntax as written (when interpolation is off, `${X}` stays). */
  readonly lenient: boolean;
  fail(path: FieldPath, detail: string, hint?: string): never;
  warn(path: FieldPath, message: string): void;
  /** Positions of the items of a list being rebuilt. */
  itemLocs(list: YamlValue[]): readonly (Loc | undefined)[];
  /** Key `key` of `to` was written as item `index` of the list `from` (a list became a mapping). */
  keyFromItem(to: YamlMap, key: string, from: YamlValue[], index: number): void;
  /** Records the positions of a rebuilt list `out` (built from `from`). */
  setItems(out: YamlValue[], from: YamlValue[], positions: (Loc | undefined)[]): void;
}

export type CanonicalRule = (
  value: YamlValue,
  path: FieldPath,
  tools: CanonicalTools,
  pos: Loc | undefined,
) => YamlValue;

const stringOrList: CanonicalRule = (value) => (typeof value === 'string' ? [value] : value);

const mapping: CanonicalRule = (value, path, t) => (isYamlMap(value) ? t.descend(value, path) : value);

/** `build: ./dir` → `{context: ./dir}`. */
const build: CanonicalRule = (value, path, t, pos) => {
  if (typeof value === 'string') return t.placed({ context: value }, pos);
  if (isYamlMap(value)) return t.descend(value, path);
  return t.fail(path, `expected a build context path or a build mapping, got ${describeValue(value)}`);
};

/** `secrets: [name]` → `[{source: name}]` (service and build secrets, configs). */
const fileMount: CanonicalRule = (value, path, t, pos) => {
  if (typeof value === 'string') return t.placed({ source: value }, pos);
  if (isYamlMap(value)) return value;
  return t.fail(path, `expected a name or a mapping with "source", got ${describeValue(value)}`);
};

/** provenance/sbom: booleans become their string form. */
const stringOrScalar: CanonicalRule = (value) => (typeof value === 'string' ? value : scalarToString(value));

/** `["a=b"]` → `{a: b}` (build.additional_contexts). */
const keyValue: CanonicalRule = (value, path, t, pos) => {
  if (isYamlMap(value)) return value;
  if (!Array.isArray(value)) return t.fail(path, `expected a mapping or a list, got ${describeValue(value)}`);
  const out: YamlMap = {};
  for (const entry of value) {
    const text = scalarToString(entry);
    const eq = text.indexOf('=');
    if (eq < 0) {
      if (t.lenient) return value;
      return t.fail(path, `invalid value ${JSON.stringify(text)}, expected key=value`);
    }
    out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return t.placed(out, pos);
};

/** `depends_on: [db]` → `{db: {condition: service_started, required: true}}`. */
const dependsOn: CanonicalRule = (value, path, t, pos) => {
  if (Array.isArray(value)) {
    const out: YamlMap = {};
    value.forEach((name, i) => {
      const key = scalarToString(name);
      out[key] = t.placed({ condition: 'service_started', required: true }, pos);
      t.keyFromItem(out, key, value, i);
    });
    return t.placed(out, pos);
  }
  if (!isYamlMap(value))
    return t.fail(path, `expected a list or a mapping of services, got ${describeValue(value)}`);
  for (const name of Object.keys(value)) {
    const dep = value[name];
    if (!isYamlMap(dep)) return t.fail([...path, name], `expected a mapping, got ${describeValue(dep)}`);
    if (!Object.hasOwn(dep, 'condition')) dep['condition'] = 'service_started';
    if (!Object.hasOwn(dep, 'required')) dep['required'] = true;
  }
  return value;
};

/** `env_file: x` → `[{path: x, required: true}]`. */
const envFile: CanonicalRule = (value, path, t, pos) => {
  const entry = (e: YamlValue, at: Loc | undefined): YamlValue => {
    if (typeof e === 'string') return t.placed({ path: e, required: true }, at);
    if (isYamlMap(e)) {
      if (!Object.hasOwn(e, 'required')) e['required'] = true;
      return e;
    }
    return t.fail(path, `expected a path or a mapping with "path", got ${describeValue(e)}`);
  };
  if (typeof value === 'string') return t.placed([entry(value, pos)], pos);
  if (Array.isArray(value)) return value.map((e) => entry(e, pos));
  return t.fail(path, `expected a path or a list of paths, got ${describeValue(value)}`);
};

/** `extends: base` → `{service: base}`. */
const extendsRule: CanonicalRule = (value, path, t, pos) => {
  if (typeof value === 'string') return t.placed({ service: value }, pos);
  if (isYamlMap(value)) return t.descend(value, path);
  return t.fail(path, `expected a service name or a mapping, got ${describeValue(value)}`);
};

/** `gpus: all` → `[{count: all}]`. */
const gpus: CanonicalRule = (value, path, t, pos) => {
  if (typeof value === 'string') return t.placed([t.placed({ count: 'all' }, pos)], pos);
  if (Array.isArray(value)) return t.descend(value, path);
  return t.fail(path, `expected "all" or a list, got ${describeValue(value)}`);
};

/** `networks: [a, b]` → `{a: null, b: null}` (also service models). */
const namesToMapping: CanonicalRule = (value, _path, t, pos) => {
  if (!Array.isArray(value)) return value;
  const out: YamlMap = {};
  value.forEach((name, i) => {
    const key = scalarToString(name);
    out[key] = null;
    t.keyFromItem(out, key, value, i);
  });
  return t.placed(out, pos);
};

/** Short volume syntax → long syntax; the target is path-cleaned. */
const volumeMount: CanonicalRule = (value, path, t, pos) => {
  if (isYamlMap(value)) return value;
  if (typeof value !== 'string')
    return t.fail(path, `expected a volume string or mapping, got ${describeValue(value)}`);
  try {
    const volume = parseVolumeSpec(value);
    if (typeof volume['target'] === 'string' && volume['target'] !== '')
      volume['target'] = cleanPath(volume['target']);
    return t.placed(volume, pos);
  } catch (err) {
    if (!(err instanceof VolumeSpecError)) throw err;
    if (t.lenient) return value;
    return t.fail(path, err.message, 'short syntax is [SOURCE:]TARGET[:MODE]');
  }
};

/** `/dev/x[:/dev/y[:rwm]]` → `{source, target, permissions}`. */
const deviceMapping: CanonicalRule = (value, path, t, pos) => {
  if (isYamlMap(value)) return value;
  if (typeof value !== 'string')
    return t.fail(path, `expected a device string or mapping, got ${describeValue(value)}`);
  const parts = value.split(':');
  if (parts.length > 3) {
    if (t.lenient) return value;
    return t.fail(path, `confusing device mapping, please use long syntax: ${value}`);
  }
  const source = parts[0] as string;
  const target = parts[1] || source;
  return t.placed({ source, target, permissions: parts[2] ?? 'rwm' }, pos);
};

/** Short port syntax → one long-syntax mapping per port (a range gives several). */
const ports: CanonicalRule = (value, path, t) => {
  if (!Array.isArray(value)) return t.fail(path, `expected a list of ports, got ${describeValue(value)}`);
  const out: YamlValue[] = [];
  const positions: (Loc | undefined)[] = [];
  const itemPositions = t.itemLocs(value);
  value.forEach((entry, i) => {
    const at = itemPositions[i];
    if (isYamlMap(entry)) {
      out.push(entry);
      positions.push(at);
      return;
    }
    if (typeof entry !== 'string' && typeof entry !== 'number') {
      t.fail([...path, i], `expected a port number, string or mapping, got ${describeValue(entry)}`);
    }
    let parsed: YamlMap[];
    try {
      parsed = parsePortSpec(scalarToString(entry));
    } catch (err) {
      if (!(err instanceof PortSpecError)) throw err;
      if (t.lenient) {
        out.push(entry);
        positions.push(at);
        return;
      }
      return t.fail([...path, i], `${err.message} (in ${JSON.stringify(scalarToString(entry))})`, PORT_HINT);
    }
    for (const port of parsed) {
      out.push(t.placed(port, at));
      positions.push(at);
    }
  });
  t.setItems(out, value, positions);
  return out;
};

const PORT_HINT = 'short syntax is [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL], ranges as 8000-8010';

/** `ssh: [default, id=path]` → `{default: null, id: path}`. */
const ssh: CanonicalRule = (value, path, t, pos) => {
  if (isYamlMap(value)) return value;
  if (!Array.isArray(value)) return t.fail(path, `expected a list or a mapping, got ${describeValue(value)}`);
  const out: YamlMap = {};
  for (const entry of value) {
    if (typeof entry !== 'string') return t.fail(path, `invalid ssh key type ${describeValue(entry)}`);
    const eq = entry.indexOf('=');
    if (eq < 0) {
      if (entry !== 'default') return t.fail(path, `invalid ssh key ${JSON.stringify(entry)}`);
      out[entry] = null;
    } else out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return t.placed(out, pos);
};

const ulimit: CanonicalRule = (value, path, t) => {
  if (isYamlMap(value) || typeof value === 'number') return value;
  return t.fail(path, `expected a number or a mapping with "soft" and "hard", got ${describeValue(value)}`);
};

/**
 * networks/volumes/secrets/configs entries: `external: {name: x}` (deprecated) becomes
 * `external: true` plus `name: x`.
 */
const maybeExternal: CanonicalRule = (value, path, t) => {
  if (value === null || !isYamlMap(value)) return value;
  const resource = t.descend(value, path) as YamlMap;
  const external = resource['external'];
  if (isYamlMap(external)) {
    resource['external'] = true;
    if (Object.hasOwn(external, 'name')) {
      t.warn(path, 'external.name is deprecated. Please set name and external: true');
      const named = Object.hasOwn(resource, 'name');
      if (named && external['name'] !== resource['name']) {
        return t.fail(path, 'name and external.name conflict; only use name');
      }
      if (!named) resource['name'] = external['name'] as YamlValue;
    }
  }
  return resource;
};

/**
 * Short → long syntax, keyed by path pattern (compose-go's transform/canonical.go table): after
 * this stage every attribute that has two syntaxes is in its long form.
 */
export const CANONICAL_RULES = new RuleTable<CanonicalRule>([
  ['services.*', mapping],
  ['services.*.build', build],
  ['services.*.build.secrets.[]', fileMount],
  ['services.*.build.provenance', stringOrScalar],
  ['services.*.build.sbom', stringOrScalar],
  ['services.*.build.additional_contexts', keyValue],
  ['services.*.build.ssh', ssh],
  ['services.*.build.ulimits.*', ulimit],
  ['services.*.depends_on', dependsOn],
  ['services.*.env_file', envFile],
  ['services.*.label_file', stringOrList],
  ['services.*.extends', extendsRule],
  ['services.*.gpus', gpus],
  ['services.*.networks', namesToMapping],
  ['services.*.models', namesToMapping],
  ['services.*.volumes.[]', volumeMount],
  ['services.*.dns', stringOrList],
  ['services.*.devices.[]', deviceMapping],
  ['services.*.secrets.[]', fileMount],
  ['services.*.configs.[]', fileMount],
  ['services.*.ports', ports],
  ['services.*.ulimits.*', ulimit],
  ['services.*.develop.watch.[].ignore', stringOrList],
  ['services.*.develop.watch.[].include', stringOrList],
  ['volumes.*', maybeExternal],
  ['networks.*', maybeExternal],
  ['secrets.*', maybeExternal],
  ['configs.*', maybeExternal],
]);
