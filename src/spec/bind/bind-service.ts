import { isYamlMap, scalarToString, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import type { FieldPath } from '../field-path.js';
import type { EnvFileConfig, ServiceConfig, ServiceDependency } from '../service-types.js';
import { copyExtensions, put, type Binder } from './binder.js';
import {
  bindBlkio,
  bindBuild,
  bindDeploy,
  bindDeviceRequests,
  bindDevices,
  bindFileReferences,
  bindHealthcheck,
  bindPorts,
  bindServiceNetworks,
  bindUlimits,
  bindVolumes,
} from './bind-service-parts.js';
import { bindHooks, bindWatchRules } from './bind-lifecycle.js';

type FieldBinder = (value: YamlValue, path: FieldPath, b: Binder) => unknown;

/**
 * The service attributes in compose-go's field order (the order `config` prints them), each with
 * the binder converting its canonical value. Only attributes present in the document are bound,
 * except `command` and `entrypoint`, which are always there (null when unset), as Compose prints.
 */
const SERVICE_FIELDS: readonly (readonly [keyof ServiceConfig & string, FieldBinder])[] = [
  ['profiles', (v, p, b) => b.strings(v, p)],
  ['annotations', (v, p, b) => b.mapping(v, p)],
  ['attach', (v, p, b) => b.boolean(v, p)],
  ['build', (v, p, b) => bindBuild(v, p, b)],
  ['develop', bindDevelop],
  ['blkio_config', (v, p, b) => bindBlkio(v, p, b)],
  ['cap_add', (v, p, b) => b.strings(v, p)],
  ['cap_drop', (v, p, b) => b.strings(v, p)],
  ['cgroup_parent', (v, p, b) => b.str(v, p)],
  ['cgroup', (v, p, b) => b.str(v, p)],
  ['cpu_count', (v, p, b) => b.nonZeroInt(v, p)],
  ['cpu_percent', (v, p, b) => b.nonZeroFloat(v, p)],
  ['cpu_period', (v, p, b) => b.nonZeroInt(v, p)],
  ['cpu_quota', (v, p, b) => b.nonZeroInt(v, p)],
  ['cpu_rt_period', (v, p, b) => b.nonZeroInt(v, p)],
  ['cpu_rt_runtime', (v, p, b) => b.nonZeroInt(v, p)],
  ['cpus', (v, p, b) => b.nonZeroFloat(v, p)],
  ['cpuset', (v, p, b) => b.str(v, p)],
  ['cpu_shares', (v, p, b) => b.nonZeroInt(v, p)],
  ['command', (v, p, b) => b.command(v, p)],
  ['configs', (v, p, b) => bindFileReferences(v, p, b)],
  ['container_name', (v, p, b) => b.str(v, p)],
  ['credential_spec', bindCredentialSpec],
  ['depends_on', (v, p, b) => bindDependsOn(v, p, b)],
  ['deploy', (v, p, b) => bindDeploy(v, p, b)],
  ['device_cgroup_rules', (v, p, b) => b.strings(v, p)],
  ['devices', (v, p, b) => bindDevices(v, p, b)],
  ['dns', (v, p, b) => b.strings(v, p)],
  ['dns_opt', (v, p, b) => b.strings(v, p)],
  ['dns_search', (v, p, b) => b.strings(v, p)],
  ['domainname', (v, p, b) => b.str(v, p)],
  ['entrypoint', (v, p, b) => b.command(v, p)],
  ['provider', bindProvider],
  ['environment', (v, p, b) => b.mappingWithEquals(v, p)],
  ['env_file', (v, p, b) => bindEnvFiles(v, p, b)],
  ['expose', (v, p, b) => b.strings(v, p)],
  ['external_links', (v, p, b) => b.strings(v, p)],
  ['extra_hosts', (v, p, b) => b.hosts(v, p)],
  ['group_add', (v, p, b) => b.strings(v, p)],
  ['gpus', (v, p, b) => bindDeviceRequests(v, p, b)],
  ['hostname', (v, p, b) => b.str(v, p)],
  ['healthcheck', (v, p, b) => bindHealthcheck(v, p, b)],
  ['image', (v, p, b) => b.str(v, p)],
  ['init', (v, p, b) => b.boolean(v, p)],
  ['ipc', (v, p, b) => b.str(v, p)],
  ['isolation', (v, p, b) => b.str(v, p)],
  ['labels', (v, p, b) => b.mapping(v, p)],
  ['label_file', (v, p, b) => b.strings(v, p)],
  ['links', (v, p, b) => b.strings(v, p)],
  ['logging', bindLogging],
  ['mem_limit', (v, p, b) => b.bytes(v, p)],
  ['mem_reservation', (v, p, b) => b.bytes(v, p)],
  ['memswap_limit', (v, p, b) => b.bytes(v, p)],
  ['mem_swappiness', (v, p, b) => b.bytes(v, p)],
  ['mac_address', (v, p, b) => b.str(v, p)],
  ['models', (v, p, b) => bindServiceModels(v, p, b)],
  ['network_mode', (v, p, b) => b.str(v, p)],
  ['networks', (v, p, b) => bindServiceNetworks(v, p, b)],
  ['oom_kill_disable', (v, p, b) => b.flag(v, p)],
  ['oom_score_adj', (v, p, b) => b.nonZeroInt(v, p)],
  ['pid', (v, p, b) => b.str(v, p)],
  ['pids_limit', (v, p, b) => b.nonZeroInt(v, p)],
  ['platform', (v, p, b) => b.str(v, p)],
  ['ports', (v, p, b) => bindPorts(v, p, b)],
  ['privileged', (v, p, b) => b.flag(v, p)],
  ['pull_policy', (v, p, b) => b.str(v, p)],
  ['read_only', (v, p, b) => b.flag(v, p)],
  ['restart', (v, p, b) => b.str(v, p)],
  ['runtime', (v, p, b) => b.str(v, p)],
  ['scale', (v, p, b) => b.int(v, p)],
  ['secrets', (v, p, b) => bindFileReferences(v, p, b)],
  ['security_opt', (v, p, b) => b.strings(v, p)],
  ['shm_size', (v, p, b) => b.bytes(v, p)],
  ['stdin_open', (v, p, b) => b.flag(v, p)],
  ['stop_grace_period', (v, p, b) => b.duration(v, p)],
  ['stop_signal', (v, p, b) => b.str(v, p)],
  ['storage_opt', (v, p, b) => b.options(v, p)],
  ['sysctls', (v, p, b) => b.mapping(v, p)],
  ['tmpfs', (v, p, b) => b.strings(v, p)],
  ['tty', (v, p, b) => b.flag(v, p)],
  ['ulimits', (v, p, b) => bindUlimits(v, p, b)],
  ['use_api_socket', (v, p, b) => b.flag(v, p)],
  ['user', (v, p, b) => b.str(v, p)],
  ['userns_mode', (v, p, b) => b.str(v, p)],
  ['uts', (v, p, b) => b.str(v, p)],
  ['volumes', (v, p, b) => bindVolumes(v, p, b)],
  ['volumes_from', (v, p, b) => b.strings(v, p)],
  ['working_dir', (v, p, b) => b.str(v, p)],
  ['pre_start', (v, p, b) => bindHooks(v, p, b)],
  ['post_start', (v, p, b) => bindHooks(v, p, b)],
  ['pre_stop', (v, p, b) => bindHooks(v, p, b)],
];

const ALWAYS = new Set(['command', 'entrypoint']);

/**
 * Binds one canonical service mapping to the model (see SERVICE_FIELDS). `path` is the service's
 * path in the document, for error positions.
 */
export function bindService(raw: YamlMap, path: FieldPath, b: Binder): ServiceConfig {
  const s: Record<string, unknown> = {};
  for (const [key, bind] of SERVICE_FIELDS) {
    const present = Object.hasOwn(raw, key);
    if (!present && !ALWAYS.has(key)) continue;
    const value = bind(present ? (raw[key] as YamlValue) : null, [...path, key], b);
    if (value !== undefined) s[key] = value;
  }
  return copyExtensions(raw, s as unknown as ServiceConfig);
}

function bindDevelop(v: YamlValue, p: FieldPath, b: Binder): ServiceConfig['develop'] {
  if (!isYamlMap(v)) return undefined;
  const develop: NonNullable<ServiceConfig['develop']> = {};
  put(develop, 'watch', bindWatchRules(v['watch'], [...p, 'watch'], b));
  return copyExtensions(v, develop);
}

function bindCredentialSpec(v: YamlValue, p: FieldPath, b: Binder): ServiceConfig['credential_spec'] {
  if (!isYamlMap(v)) return undefined;
  const spec: NonNullable<ServiceConfig['credential_spec']> = {};
  put(spec, 'config', b.str(v['config'], [...p, 'config']));
  put(spec, 'file', b.str(v['file'], [...p, 'file']));
  put(spec, 'registry', b.str(v['registry'], [...p, 'registry']));
  return copyExtensions(v, spec);
}

function bindProvider(v: YamlValue, p: FieldPath, b: Binder): ServiceConfig['provider'] {
  if (!isYamlMap(v)) return undefined;
  const provider: NonNullable<ServiceConfig['provider']> = { type: b.str(v['type'], [...p, 'type']) ?? '' };
  const opts = v['options'];
  if (isYamlMap(opts)) {
    const options: Record<string, string[]> = {};
    for (const key of Object.keys(opts).sort()) {
      const o = opts[key] as YamlValue;
      options[key] = Array.isArray(o) ? o.map((x) => scalarToString(x)) : [scalarToString(o)];
    }
    if (Object.keys(options).length > 0) provider.options = options;
  }
  return copyExtensions(v, provider);
}

function bindLogging(v: YamlValue, p: FieldPath, b: Binder): ServiceConfig['logging'] {
  if (!isYamlMap(v)) return undefined;
  const logging: NonNullable<ServiceConfig['logging']> = {};
  put(logging, 'driver', b.str(v['driver'], [...p, 'driver']));
  put(logging, 'options', b.options(v['options'], [...p, 'options']));
  return copyExtensions(v, logging);
}

function bindDependsOn(
  raw: YamlValue | undefined,
  path: FieldPath,
  b: Binder,
): Record<string, ServiceDependency> | undefined {
  if (!isYamlMap(raw)) return undefined;
  const out: Record<string, ServiceDependency> = {};
  for (const name of Object.keys(raw).sort()) {
    const d = isYamlMap(raw[name]) ? (raw[name] as YamlMap) : {};
    const at = (k: string): FieldPath => [...path, name, k];
    const dep = {
      condition: b.str(d['condition'], at('condition')) ?? 'service_started',
    } as ServiceDependency;
    if (b.boolean(d['restart'], at('restart')) === true) dep.restart = true;
    dep.required = b.boolean(d['required'], at('required')) ?? true;
    out[name] = copyExtensions(d, dep);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function bindEnvFiles(raw: YamlValue | undefined, path: FieldPath, b: Binder): EnvFileConfig[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const items = raw.map((item, i) => {
    const m = isYamlMap(item) ? item : { path: item };
    const out: EnvFileConfig = { path: b.str(m['path'], [...path, i, 'path']) ?? '' };
    if (b.boolean(m['required'], [...path, i, 'required']) === false) out.required = false;
    put(out, 'format', b.str(m['format'], [...path, i, 'format']));
    return out;
  });
  return items.length > 0 ? items : undefined;
}

function bindServiceModels(
  raw: YamlValue | undefined,
  path: FieldPath,
  b: Binder,
): ServiceConfig['models'] | undefined {
  if (!isYamlMap(raw)) return undefined;
  const out: NonNullable<ServiceConfig['models']> = {};
  for (const name of Object.keys(raw).sort()) {
    const m = raw[name];
    if (!isYamlMap(m)) {
      out[name] = null;
      continue;
    }
    const model: { endpoint_var?: string; model_var?: string } = {};
    put(model, 'endpoint_var', b.str(m['endpoint_var'], [...path, name, 'endpoint_var']));
    put(model, 'model_var', b.str(m['model_var'], [...path, name, 'model_var']));
    out[name] = copyExtensions(m, model);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
