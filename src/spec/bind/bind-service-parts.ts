import { isYamlMap, scalarToString, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import type { FieldPath } from '../field-path.js';
import type {
  BlkioDevice,
  BuildConfig,
  DeployConfig,
  DeviceMapping,
  DeviceRequest,
  FileReferenceConfig,
  HealthCheckConfig,
  ResourceSpec,
  ServiceNetworkConfig,
  ServicePortConfig,
  ServiceConfig,
  ServiceVolumeConfig,
  UlimitsConfig,
  UpdateConfig,
} from '../service-types.js';
import { copyExtensions, put, sortKeys, type Binder } from './binder.js';

type Raw = YamlValue | undefined;

function map(v: Raw): YamlMap {
  return isYamlMap(v) ? v : {};
}

function list(v: Raw): YamlValue[] {
  return Array.isArray(v) ? v : [];
}

export function bindBuild(raw: Raw, path: FieldPath, b: Binder): BuildConfig | undefined {
  if (!isYamlMap(raw)) return undefined;
  const out: BuildConfig = {};
  const at = (k: string): FieldPath => [...path, k];
  put(out, 'context', b.str(raw['context'], at('context')));
  put(out, 'dockerfile', b.str(raw['dockerfile'], at('dockerfile')));
  put(out, 'dockerfile_inline', b.str(raw['dockerfile_inline'], at('dockerfile_inline')));
  put(out, 'entitlements', b.strings(raw['entitlements'], at('entitlements')));
  put(out, 'args', b.mappingWithEquals(raw['args'], at('args')));
  put(out, 'provenance', b.str(raw['provenance'], at('provenance')));
  put(out, 'sbom', b.str(raw['sbom'], at('sbom')));
  if (isYamlMap(raw['ssh'])) {
    const ssh = raw['ssh'];
    const keys = Object.keys(ssh).sort();
    if (keys.length > 0)
      out.ssh = keys.map((id) => (ssh[id] == null ? id : `${id}=${scalarToString(ssh[id])}`));
  }
  put(out, 'labels', b.mapping(raw['labels'], at('labels')));
  put(out, 'cache_from', b.strings(raw['cache_from'], at('cache_from')));
  put(out, 'cache_to', b.strings(raw['cache_to'], at('cache_to')));
  put(out, 'no_cache', b.flag(raw['no_cache'], at('no_cache')));
  put(out, 'no_cache_filter', b.strings(raw['no_cache_filter'], at('no_cache_filter')));
  put(out, 'additional_contexts', b.mapping(raw['additional_contexts'], at('additional_contexts')));
  put(out, 'pull', b.flag(raw['pull'], at('pull')));
  put(out, 'extra_hosts', b.hosts(raw['extra_hosts'], at('extra_hosts')));
  put(out, 'isolation', b.str(raw['isolation'], at('isolation')));
  put(out, 'network', b.str(raw['network'], at('network')));
  put(out, 'target', b.str(raw['target'], at('target')));
  put(out, 'secrets', bindFileReferences(raw['secrets'], at('secrets'), b));
  put(out, 'shm_size', b.bytes(raw['shm_size'], at('shm_size')));
  put(out, 'tags', b.strings(raw['tags'], at('tags')));
  put(out, 'ulimits', bindUlimits(raw['ulimits'], at('ulimits'), b));
  put(out, 'platforms', b.strings(raw['platforms'], at('platforms')));
  put(out, 'privileged', b.flag(raw['privileged'], at('privileged')));
  return copyExtensions(raw, out);
}

export function bindFileReferences(raw: Raw, path: FieldPath, b: Binder): FileReferenceConfig[] | undefined {
  const items = list(raw).map((item, i) => {
    const at = (k: string): FieldPath => [...path, i, k];
    const m = map(item);
    const out: FileReferenceConfig = { source: b.str(m['source'], at('source')) ?? '' };
    put(out, 'target', b.str(m['target'], at('target')));
    put(out, 'uid', b.str(m['uid'], at('uid')));
    put(out, 'gid', b.str(m['gid'], at('gid')));
    put(out, 'mode', b.fileMode(m['mode'], at('mode')));
    return copyExtensions(m, out);
  });
  return items.length > 0 ? items : undefined;
}

export function bindUlimits(
  raw: Raw,
  path: FieldPath,
  b: Binder,
): Record<string, number | UlimitsConfig> | undefined {
  if (!isYamlMap(raw)) return undefined;
  const out: Record<string, number | UlimitsConfig> = {};
  for (const name of Object.keys(raw)) {
    const v = raw[name] as YamlValue;
    if (isYamlMap(v)) {
      out[name] = copyExtensions(v, {
        soft: b.int(v['soft'], [...path, name, 'soft']) ?? 0,
        hard: b.int(v['hard'], [...path, name, 'hard']) ?? 0,
      });
    } else out[name] = b.int(v, [...path, name]) ?? 0;
  }
  const sorted = sortKeys(out);
  return Object.keys(sorted).length > 0 ? sorted : undefined;
}

export function bindHealthcheck(raw: Raw, path: FieldPath, b: Binder): HealthCheckConfig | undefined {
  if (!isYamlMap(raw)) return undefined;
  const at = (k: string): FieldPath => [...path, k];
  const out: HealthCheckConfig = {};
  const test = raw['test'];
  if (typeof test === 'string') out.test = ['CMD-SHELL', test];
  else put(out, 'test', b.strings(test, at('test')));
  put(out, 'timeout', b.duration(raw['timeout'], at('timeout')));
  put(out, 'interval', b.duration(raw['interval'], at('interval')));
  put(out, 'retries', b.int(raw['retries'], at('retries')));
  put(out, 'start_period', b.duration(raw['start_period'], at('start_period')));
  put(out, 'start_interval', b.duration(raw['start_interval'], at('start_interval')));
  put(out, 'disable', b.flag(raw['disable'], at('disable')));
  return copyExtensions(raw, out);
}

function bindUpdateConfig(raw: Raw, path: FieldPath, b: Binder): UpdateConfig | undefined {
  if (!isYamlMap(raw)) return undefined;
  const at = (k: string): FieldPath => [...path, k];
  const out: UpdateConfig = {};
  put(out, 'parallelism', b.int(raw['parallelism'], at('parallelism')));
  put(out, 'delay', b.nonZeroDuration(raw['delay'], at('delay')));
  put(out, 'failure_action', b.str(raw['failure_action'], at('failure_action')));
  put(out, 'monitor', b.nonZeroDuration(raw['monitor'], at('monitor')));
  put(out, 'max_failure_ratio', b.nonZeroFloat(raw['max_failure_ratio'], at('max_failure_ratio')));
  put(out, 'order', b.str(raw['order'], at('order')) as UpdateConfig['order']);
  return copyExtensions(raw, out);
}

export function bindDeviceRequests(raw: Raw, path: FieldPath, b: Binder): DeviceRequest[] | undefined {
  const items = list(raw).map((item, i) => {
    const m = map(item);
    const at = (k: string): FieldPath => [...path, i, k];
    const out: DeviceRequest = {};
    put(out, 'capabilities', b.strings(m['capabilities'], at('capabilities')));
    put(out, 'driver', b.str(m['driver'], at('driver')));
    const count = m['count'];
    if (typeof count === 'string' && count.toLowerCase() === 'all') out.count = -1;
    else if (count !== undefined) {
      const n = b.int(count, at('count'));
      if (n === undefined)
        b.fail(
          at('count'),
          `invalid value ${JSON.stringify(count)}, the only value allowed is 'all' or a number`,
        );
      if (n !== 0) out.count = n;
    }
    put(out, 'device_ids', b.strings(m['device_ids'], at('device_ids')));
    put(out, 'options', b.mapping(m['options'], at('options')));
    return copyExtensions(m, out);
  });
  return items.length > 0 ? items : undefined;
}

function bindResource(raw: Raw, path: FieldPath, b: Binder): ResourceSpec | undefined {
  if (!isYamlMap(raw)) return undefined;
  const at = (k: string): FieldPath => [...path, k];
  const out: ResourceSpec = {};
  put(out, 'cpus', b.nonZeroFloat(raw['cpus'], at('cpus')));
  put(out, 'memory', b.bytes(raw['memory'], at('memory')));
  put(out, 'pids', b.nonZeroInt(raw['pids'], at('pids')));
  put(out, 'devices', bindDeviceRequests(raw['devices'], at('devices'), b));
  const generic = list(raw['generic_resources']).map((item, i) => {
    const m = map(item);
    const spec = m['discrete_resource_spec'];
    const res: NonNullable<ResourceSpec['generic_resources']>[number] = {};
    if (isYamlMap(spec)) {
      const sp = [...path, 'generic_resources', i, 'discrete_resource_spec'];
      res.discrete_resource_spec = copyExtensions(spec, {
        kind: b.str(spec['kind'], [...sp, 'kind']) ?? '',
        value: b.int(spec['value'], [...sp, 'value']) ?? 0,
      });
    }
    return copyExtensions(m, res);
  });
  if (generic.length > 0) out.generic_resources = generic;
  return copyExtensions(raw, out);
}

export function bindDeploy(raw: Raw, path: FieldPath, b: Binder): DeployConfig | undefined {
  if (!isYamlMap(raw)) return undefined;
  const at = (k: string): FieldPath => [...path, k];
  const resources = map(raw['resources']);
  const placement = map(raw['placement']);
  // Built in Compose's field order; `resources` and `placement` are always present (Go structs).
  const ordered = {} as DeployConfig;
  put(ordered, 'mode', b.str(raw['mode'], at('mode')));
  put(ordered, 'replicas', b.int(raw['replicas'], at('replicas')));
  put(ordered, 'labels', b.mapping(raw['labels'], at('labels')));
  put(ordered, 'update_config', bindUpdateConfig(raw['update_config'], at('update_config'), b));
  put(ordered, 'rollback_config', bindUpdateConfig(raw['rollback_config'], at('rollback_config'), b));
  ordered.resources = {};
  put(ordered.resources, 'limits', bindResource(resources['limits'], [...path, 'resources', 'limits'], b));
  put(
    ordered.resources,
    'reservations',
    bindResource(resources['reservations'], [...path, 'resources', 'reservations'], b),
  );
  copyExtensions(resources, ordered.resources);
  if (isYamlMap(raw['restart_policy'])) {
    const rp = raw['restart_policy'];
    const rpAt = (k: string): FieldPath => [...path, 'restart_policy', k];
    const policy: NonNullable<DeployConfig['restart_policy']> = {};
    put(policy, 'condition', b.str(rp['condition'], rpAt('condition')));
    put(policy, 'delay', b.duration(rp['delay'], rpAt('delay')));
    put(policy, 'max_attempts', b.int(rp['max_attempts'], rpAt('max_attempts')));
    put(policy, 'window', b.duration(rp['window'], rpAt('window')));
    ordered.restart_policy = copyExtensions(rp, policy);
  }
  ordered.placement = {};
  const pAt = (k: string): FieldPath => [...path, 'placement', k];
  put(ordered.placement, 'constraints', b.strings(placement['constraints'], pAt('constraints')));
  const prefs = list(placement['preferences']).map((p, i) => {
    const m = map(p);
    const pref: { spread?: string } = {};
    put(pref, 'spread', b.str(m['spread'], [...pAt('preferences'), i, 'spread']));
    return copyExtensions(m, pref);
  });
  if (prefs.length > 0) ordered.placement.preferences = prefs;
  put(
    ordered.placement,
    'max_replicas_per_node',
    b.nonZeroInt(placement['max_replicas_per_node'], pAt('max_replicas_per_node')),
  );
  copyExtensions(placement, ordered.placement);
  put(ordered, 'endpoint_mode', b.str(raw['endpoint_mode'], at('endpoint_mode')));
  return copyExtensions(raw, ordered);
}

export function bindPorts(raw: Raw, path: FieldPath, b: Binder): ServicePortConfig[] | undefined {
  const items = list(raw).map((item, i) => {
    const m = map(item);
    const at = (k: string): FieldPath => [...path, i, k];
    const out = {} as ServicePortConfig;
    put(out, 'name', b.str(m['name'], at('name')));
    put(out, 'mode', b.str(m['mode'], at('mode')));
    put(out, 'host_ip', b.str(m['host_ip'], at('host_ip')));
    out.target = b.int(m['target'], at('target')) ?? 0;
    put(out, 'published', b.str(m['published'], at('published')));
    put(out, 'protocol', b.str(m['protocol'], at('protocol')));
    put(out, 'app_protocol', b.str(m['app_protocol'], at('app_protocol')));
    return copyExtensions(m, out);
  });
  return items.length > 0 ? items : undefined;
}

export function bindVolumes(raw: Raw, path: FieldPath, b: Binder): ServiceVolumeConfig[] | undefined {
  const items = list(raw).map((item, i) => {
    const m = map(item);
    const at = (...k: string[]): FieldPath => [...path, i, ...k];
    const out = { type: (b.str(m['type'], at('type')) ?? 'volume') as ServiceVolumeConfig['type'] };
    const vol: ServiceVolumeConfig = out;
    put(vol, 'source', b.str(m['source'], at('source')));
    put(vol, 'target', b.str(m['target'], at('target')));
    put(vol, 'read_only', b.flag(m['read_only'], at('read_only')));
    put(vol, 'consistency', b.str(m['consistency'], at('consistency')));
    if (isYamlMap(m['bind'])) {
      const bm = m['bind'];
      const bind: NonNullable<ServiceVolumeConfig['bind']> = {};
      put(bind, 'selinux', b.str(bm['selinux'], at('bind', 'selinux')) as 'z' | 'Z' | undefined);
      put(bind, 'propagation', b.str(bm['propagation'], at('bind', 'propagation')));
      if (b.boolean(bm['create_host_path'], at('bind', 'create_host_path')) === false)
        bind.create_host_path = false;
      put(
        bind,
        'recursive',
        b.str(bm['recursive'], at('bind', 'recursive')) as NonNullable<
          ServiceVolumeConfig['bind']
        >['recursive'],
      );
      vol.bind = copyExtensions(bm, bind);
    }
    if (isYamlMap(m['volume'])) {
      const vm = m['volume'];
      const volume: NonNullable<ServiceVolumeConfig['volume']> = {};
      put(volume, 'labels', b.mapping(vm['labels'], at('volume', 'labels')));
      put(volume, 'nocopy', b.flag(vm['nocopy'], at('volume', 'nocopy')));
      put(volume, 'subpath', b.str(vm['subpath'], at('volume', 'subpath')));
      vol.volume = copyExtensions(vm, volume);
    }
    if (isYamlMap(m['tmpfs'])) {
      const tm = m['tmpfs'];
      const tmpfs: NonNullable<ServiceVolumeConfig['tmpfs']> = {};
      put(tmpfs, 'size', b.bytes(tm['size'], at('tmpfs', 'size')));
      put(tmpfs, 'mode', b.nonZeroInt(tm['mode'], at('tmpfs', 'mode')));
      vol.tmpfs = copyExtensions(tm, tmpfs);
    }
    if (isYamlMap(m['image'])) {
      const im = m['image'];
      const image: { subpath?: string } = {};
      put(image, 'subpath', b.str(im['subpath'], at('image', 'subpath')));
      vol.image = copyExtensions(im, image);
    }
    return copyExtensions(m, vol);
  });
  return items.length > 0 ? items : undefined;
}

export function bindServiceNetworks(
  raw: Raw,
  path: FieldPath,
  b: Binder,
): Record<string, ServiceNetworkConfig | null> | undefined {
  if (!isYamlMap(raw)) return undefined;
  const out: Record<string, ServiceNetworkConfig | null> = {};
  for (const name of Object.keys(raw).sort()) {
    const v = raw[name] as YamlValue;
    if (!isYamlMap(v)) {
      out[name] = null;
      continue;
    }
    const at = (k: string): FieldPath => [...path, name, k];
    const net: ServiceNetworkConfig = {};
    put(net, 'aliases', b.strings(v['aliases'], at('aliases')));
    put(net, 'driver_opts', b.options(v['driver_opts'], at('driver_opts')));
    put(net, 'gw_priority', b.nonZeroInt(v['gw_priority'], at('gw_priority')));
    put(net, 'interface_name', b.str(v['interface_name'], at('interface_name')));
    put(net, 'ipv4_address', b.str(v['ipv4_address'], at('ipv4_address')));
    put(net, 'ipv6_address', b.str(v['ipv6_address'], at('ipv6_address')));
    put(net, 'link_local_ips', b.strings(v['link_local_ips'], at('link_local_ips')));
    put(net, 'mac_address', b.str(v['mac_address'], at('mac_address')));
    put(net, 'priority', b.nonZeroInt(v['priority'], at('priority')));
    out[name] = copyExtensions(v, net);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function bindDevices(raw: Raw, path: FieldPath, b: Binder): DeviceMapping[] | undefined {
  const items = list(raw).map((item, i) => {
    const m = map(item);
    const at = (k: string): FieldPath => [...path, i, k];
    const out: DeviceMapping = { source: b.str(m['source'], at('source')) ?? '' };
    put(out, 'target', b.str(m['target'], at('target')));
    put(out, 'permissions', b.str(m['permissions'], at('permissions')));
    return copyExtensions(m, out);
  });
  return items.length > 0 ? items : undefined;
}

type BlkioConfig = NonNullable<ServiceConfig['blkio_config']>;

export function bindBlkio(raw: Raw, path: FieldPath, b: Binder): BlkioConfig | undefined {
  if (!isYamlMap(raw)) return undefined;
  const devices = (key: string, valueKey: 'rate' | 'weight'): BlkioDevice[] | undefined => {
    const items = list(raw[key]).map((item, i) => {
      const m = map(item);
      const at = (k: string): FieldPath => [...path, key, i, k];
      const out: BlkioDevice = {};
      put(out, 'path', b.str(m['path'], at('path')));
      if (valueKey === 'rate') put(out, 'rate', b.bytes(m['rate'], at('rate')));
      else put(out, 'weight', b.nonZeroInt(m['weight'], at('weight')));
      return out;
    });
    return items.length > 0 ? items : undefined;
  };
  const out: BlkioConfig = {};
  put(out, 'weight', b.nonZeroInt(raw['weight'], [...path, 'weight']));
  put(out, 'weight_device', devices('weight_device', 'weight'));
  put(out, 'device_read_bps', devices('device_read_bps', 'rate'));
  put(out, 'device_read_iops', devices('device_read_iops', 'rate'));
  put(out, 'device_write_bps', devices('device_write_bps', 'rate'));
  put(out, 'device_write_iops', devices('device_write_iops', 'rate'));
  return out;
}
