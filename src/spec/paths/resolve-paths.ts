import { isYamlMap, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import { RuleTable, type FieldPath } from '../field-path.js';
import { absolutePath, isRemoteContext } from './host-path.js';

export interface PathResolution {
  readonly base: string;
  readonly home: string | undefined;
  /** A bind mount without source (reported by the caller with this path). */
  readonly onMissingBindSource: (path: FieldPath) => never;
}

type Resolver = (value: YamlValue, path: FieldPath, r: PathResolution) => YamlValue;

const abs: Resolver = (value, path, r) => {
  if (Array.isArray(value)) return value.map((v, i) => abs(v, [...path, i], r));
  return typeof value === 'string' ? absolutePath(value, r.base, r.home) : value;
};

const context: Resolver = (value, path, r) =>
  typeof value === 'string' && isRemoteContext(value) ? value : abs(value, path, r);

const bindMount: Resolver = (value, path, r) => {
  if (!isYamlMap(value) || value['type'] !== 'bind') return value;
  const source = value['source'];
  if (typeof source !== 'string') return r.onMissingBindSource(path);
  value['source'] = absolutePath(source, r.base, r.home);
  return value;
};

/** A `local` volume with `o: bind` and a `device` is a bind mount in disguise: resolve the device. */
const localBindVolume: Resolver = (value, path, r) => {
  if (!isYamlMap(value) || value['driver'] !== 'local') return value;
  const opts = value['driver_opts'];
  if (isYamlMap(opts) && opts['o'] === 'bind' && typeof opts['device'] === 'string') {
    opts['device'] = absolutePath(opts['device'], r.base, r.home);
  }
  return value;
};

/** Where a stack file names a host path (compose-go's paths/resolve.go table). */
const PATH_RULES = new RuleTable<Resolver>([
  ['services.*.build.context', context],
  ['services.*.build.additional_contexts.*', context],
  ['services.*.build.ssh.*', abs],
  ['services.*.env_file.*.path', abs],
  ['services.*.label_file.*', abs],
  ['services.*.extends.file', abs],
  ['services.*.develop.watch.*.path', abs],
  ['services.*.volumes.*', bindMount],
  ['configs.*.file', abs],
  ['secrets.*.file', abs],
  ['volumes.*', localBindVolume],
]);

/**
 * Makes relative host paths absolute against `base` and expands `~`, in place. (compose-go also
 * resolves symbolic links in develop.watch paths; the spec layer does not touch the filesystem,
 * so the engine does that when it starts watching.)
 */
export function resolveRelativePaths(model: YamlMap, resolution: PathResolution): void {
  walk(model, [], resolution);
}

function walk(node: YamlValue, path: (string | number)[], r: PathResolution): void {
  const visit = (get: () => YamlValue, set: (v: YamlValue) => void, seg: string | number): void => {
    path.push(seg);
    const rule = PATH_RULES.get(path);
    if (rule) set(rule(get(), [...path], r));
    else if (PATH_RULES.hasRulesBelow(path)) walk(get(), path, r);
    path.pop();
  };
  if (Array.isArray(node)) {
    node.forEach((_, i) =>
      visit(
        () => node[i] as YamlValue,
        (v) => (node[i] = v),
        i,
      ),
    );
  } else if (isYamlMap(node)) {
    for (const key of Object.keys(node)) {
      visit(
        () => node[key] as YamlValue,
        (v) => (node[key] = v),
        key,
      );
    }
  }
}
