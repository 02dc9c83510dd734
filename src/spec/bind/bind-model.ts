import { isYamlMap, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import type { FieldPath } from '../field-path.js';
import type { LoaderContext } from '../load-context.js';
import type { ServiceConfig } from '../service-types.js';
import { ENVIRONMENT_VALUE_KEY } from '../stages/resolve-environment-references.js';
import type {
  FileObjectConfig,
  IpamPool,
  ModelConfig,
  NetworkConfig,
  Project,
  VolumeConfig,
} from '../types.js';
import { Binder, copyExtensions, put } from './binder.js';
import { bindService } from './bind-service.js';

/** The parts of a Project bound from the document (the rest comes from the load's options). */
export type BoundModel = Pick<
  Project,
  'services' | 'networks' | 'volumes' | 'secrets' | 'configs' | 'models' | 'extensions'
>;

/**
 * Binds the canonical model to the typed Project parts: every value converted to the model's type
 * (see binder.ts), maps keyed in sorted order, top-level `x-*` moved to `extensions`.
 */
export function bindModel(model: YamlMap, ctx: LoaderContext): BoundModel {
  const b = new Binder(ctx, model);
  const services: Record<string, ServiceConfig> = {};
  forEach(model['services'], (name, raw) => {
    services[name] = bindService(isYamlMap(raw) ? raw : {}, ['services', name], b);
  });
  const networks: Record<string, NetworkConfig> = {};
  forEach(model['networks'], (name, raw) => (networks[name] = bindNetwork(raw, ['networks', name], b)));
  const volumes: Record<string, VolumeConfig> = {};
  forEach(model['volumes'], (name, raw) => (volumes[name] = bindVolume(raw, ['volumes', name], b)));
  const secrets: Record<string, FileObjectConfig> = {};
  forEach(model['secrets'], (name, raw) => (secrets[name] = bindFileObject(raw, ['secrets', name], b)));
  const configs: Record<string, FileObjectConfig> = {};
  forEach(model['configs'], (name, raw) => (configs[name] = bindFileObject(raw, ['configs', name], b)));
  const models: Record<string, ModelConfig> = {};
  forEach(model['models'], (name, raw) => (models[name] = bindModelConfig(raw, ['models', name], b)));
  const extensions: Record<string, unknown> = {};
  for (const key of Object.keys(model).sort()) {
    if (key.startsWith('x-')) extensions[key] = model[key];
  }
  return { services, networks, volumes, secrets, configs, models, extensions };
}

function forEach(section: YamlValue | undefined, fn: (name: string, raw: YamlValue) => void): void {
  if (!isYamlMap(section)) return;
  for (const name of Object.keys(section).sort()) fn(name, section[name] as YamlValue);
}

function bindNetwork(raw: YamlValue, path: FieldPath, b: Binder): NetworkConfig {
  const m = isYamlMap(raw) ? raw : {};
  const at = (k: string): FieldPath => [...path, k];
  const out = {} as NetworkConfig;
  put(out, 'name', b.str(m['name'], at('name')));
  put(out, 'driver', b.str(m['driver'], at('driver')));
  put(out, 'driver_opts', b.options(m['driver_opts'], at('driver_opts')));
  const ipamRaw = isYamlMap(m['ipam']) ? m['ipam'] : {};
  const ipam: NetworkConfig['ipam'] = {};
  put(ipam, 'driver', b.str(ipamRaw['driver'], [...at('ipam'), 'driver']));
  if (Array.isArray(ipamRaw['config'])) {
    const pools = ipamRaw['config'].map((p, i) => {
      const pm = isYamlMap(p) ? p : {};
      const pAt = (k: string): FieldPath => [...at('ipam'), 'config', i, k];
      const pool: IpamPool = {};
      put(pool, 'subnet', b.str(pm['subnet'], pAt('subnet')));
      put(pool, 'gateway', b.str(pm['gateway'], pAt('gateway')));
      put(pool, 'ip_range', b.str(pm['ip_range'], pAt('ip_range')));
      put(pool, 'aux_addresses', b.mapping(pm['aux_addresses'], pAt('aux_addresses')));
      return copyExtensions(pm, pool);
    });
    if (pools.length > 0) ipam.config = pools;
  }
  put(ipam, 'options', b.options(ipamRaw['options'], [...at('ipam'), 'options']));
  out.ipam = copyExtensions(ipamRaw, ipam);
  put(out, 'external', b.flag(m['external'], at('external')));
  put(out, 'internal', b.flag(m['internal'], at('internal')));
  put(out, 'attachable', b.flag(m['attachable'], at('attachable')));
  put(out, 'labels', b.mapping(m['labels'], at('labels')));
  put(out, 'enable_ipv4', b.boolean(m['enable_ipv4'], at('enable_ipv4')));
  put(out, 'enable_ipv6', b.boolean(m['enable_ipv6'], at('enable_ipv6')));
  return copyExtensions(m, out);
}

function bindVolume(raw: YamlValue, path: FieldPath, b: Binder): VolumeConfig {
  const m = isYamlMap(raw) ? raw : {};
  const at = (k: string): FieldPath => [...path, k];
  const out: VolumeConfig = {};
  put(out, 'name', b.str(m['name'], at('name')));
  put(out, 'driver', b.str(m['driver'], at('driver')));
  put(out, 'driver_opts', b.options(m['driver_opts'], at('driver_opts')));
  put(out, 'external', b.flag(m['external'], at('external')));
  put(out, 'labels', b.mapping(m['labels'], at('labels')));
  return copyExtensions(m, out);
}

function bindFileObject(raw: YamlValue, path: FieldPath, b: Binder): FileObjectConfig {
  const m = isYamlMap(raw) ? raw : {};
  const at = (k: string): FieldPath => [...path, k];
  const out: FileObjectConfig = {};
  put(out, 'name', b.str(m['name'], at('name')));
  put(out, 'file', b.str(m['file'], at('file')));
  put(out, 'environment', b.str(m['environment'], at('environment')));
  const content = m['content'] ?? m[ENVIRONMENT_VALUE_KEY];
  put(out, 'content', b.str(content, at('content')));
  put(out, 'external', b.flag(m['external'], at('external')));
  put(out, 'labels', b.mapping(m['labels'], at('labels')));
  put(out, 'driver', b.str(m['driver'], at('driver')));
  put(out, 'driver_opts', b.options(m['driver_opts'], at('driver_opts')));
  put(out, 'template_driver', b.str(m['template_driver'], at('template_driver')));
  return copyExtensions(m, out);
}

function bindModelConfig(raw: YamlValue, path: FieldPath, b: Binder): ModelConfig {
  const m = isYamlMap(raw) ? raw : {};
  const at = (k: string): FieldPath => [...path, k];
  const out: ModelConfig = {};
  put(out, 'name', b.str(m['name'], at('name')));
  put(out, 'model', b.str(m['model'], at('model')));
  put(out, 'context_size', b.nonZeroInt(m['context_size'], at('context_size')));
  put(out, 'runtime_flags', b.strings(m['runtime_flags'], at('runtime_flags')));
  return copyExtensions(m, out);
}
