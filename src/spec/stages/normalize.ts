import { cleanPath } from '../canonical/clean-path.js';
import { isYamlMap, scalarToString, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import type { Environment } from '../env/project-environment.js';
import type { ModelStage } from './model-stage.js';

const STARTED = 'service_started';

/**
 * Model stage — normalization (skipped by `config --no-normalize`): the implicit `default` network,
 * `pull_policy: if_not_present` → `missing`, build `context`/`dockerfile` defaults, build args and
 * environment entries without a value taken from the environment, the implicit `depends_on` of
 * links, `service:` namespaces and `volumes_from`, cleaned volume targets, pre_start images, and
 * resource names (`<project>_<key>`, or the key itself for external resources).
 */
export const normalizeStage: ModelStage = {
  name: 'normalize',
  run(model, ctx, scope) {
    if (!ctx.switches.normalize || scope.projectName === undefined) return model;
    model['name'] = scope.projectName;
    normalizeNetworks(model);
    const services = model['services'];
    if (isYamlMap(services)) {
      for (const name of Object.keys(services)) {
        const service = services[name];
        if (isYamlMap(service)) normalizeService(service, scope.environment);
      }
    }
    nameResources(model, scope.projectName);
    return model;
  },
};

function normalizeService(service: YamlMap, env: Environment): void {
  if (service['pull_policy'] === 'if_not_present') service['pull_policy'] = 'missing';
  const build = service['build'];
  if (isYamlMap(build)) {
    if (build['context'] === undefined || build['context'] === null) build['context'] = '.';
    if (build['dockerfile'] == null && build['dockerfile_inline'] == null) build['dockerfile'] = 'Dockerfile';
    if (build['args'] !== undefined)
      build['args'] = resolveFromEnvironment(build['args'] as YamlValue, env, false);
  }
  if (service['environment'] !== undefined) {
    service['environment'] = resolveFromEnvironment(service['environment'] as YamlValue, env, true);
  }
  const dependsOn: YamlMap = isYamlMap(service['depends_on']) ? service['depends_on'] : {};
  const implicit = (name: string, restart: boolean): void => {
    if (!Object.hasOwn(dependsOn, name)) dependsOn[name] = { condition: STARTED, restart, required: true };
  };
  const links = service['links'];
  if (Array.isArray(links)) {
    for (const link of links) {
      const parts = scalarToString(link).split(':');
      implicit(parts.length === 2 ? (parts[0] as string) : scalarToString(link), true);
    }
  }
  for (const namespace of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
    const ref = service[namespace];
    if (typeof ref === 'string' && ref.startsWith('service:')) implicit(ref.slice('service:'.length), true);
  }
  const volumes = service['volumes'];
  if (Array.isArray(volumes)) {
    for (const volume of volumes) {
      if (isYamlMap(volume) && typeof volume['target'] === 'string')
        volume['target'] = cleanPath(volume['target']);
    }
  }
  const volumesFrom = service['volumes_from'];
  if (Array.isArray(volumesFrom)) {
    for (const entry of volumesFrom) {
      const text = scalarToString(entry);
      if (!text.startsWith('container:')) implicit(text.split(':')[0] as string, false);
    }
  }
  if (Object.keys(dependsOn).length > 0) service['depends_on'] = dependsOn;
  const hooks = service['pre_start'];
  if (Array.isArray(hooks) && typeof service['image'] === 'string' && service['image'] !== '') {
    for (const hook of hooks) {
      if (isYamlMap(hook) && !Object.hasOwn(hook, 'image')) hook['image'] = service['image'];
    }
  }
}

/**
 * Entries written without a value (`KEY` in a list, `KEY:` in a mapping) take the environment's
 * value; when it has none they stay valueless (`keepEmpty`, environment) or are dropped (build args).
 */
function resolveFromEnvironment(value: YamlValue, env: Environment, keepEmpty: boolean): YamlValue {
  if (Array.isArray(value)) {
    const out: YamlValue[] = [];
    for (const entry of value) {
      if (typeof entry !== 'string' || entry.includes('=')) {
        if (typeof entry === 'string') out.push(entry);
        continue;
      }
      if (Object.hasOwn(env, entry)) out.push(`${entry}=${env[entry]}`);
      else if (keepEmpty) out.push(entry);
    }
    return out;
  }
  if (isYamlMap(value)) {
    const out: YamlMap = {};
    for (const key of Object.keys(value)) {
      const v = value[key] as YamlValue;
      if (v !== null) out[key] = v;
      else if (Object.hasOwn(env, key)) out[key] = env[key] as string;
      else if (keepEmpty) out[key] = null;
    }
    return out;
  }
  return value;
}

function normalizeNetworks(model: YamlMap): void {
  const networks: YamlMap = isYamlMap(model['networks']) ? model['networks'] : {};
  let usesDefault = false;
  const services = model['services'];
  if (isYamlMap(services)) {
    for (const name of Object.keys(services)) {
      const service = services[name];
      if (!isYamlMap(service)) continue;
      if (Object.hasOwn(service, 'provider') || Object.hasOwn(service, 'network_mode')) continue;
      const attached = service['networks'];
      if (!isYamlMap(attached) || Object.keys(attached).length === 0) {
        service['networks'] = { default: null };
        usesDefault = true;
      } else if (Object.hasOwn(attached, 'default')) usesDefault = true;
    }
  }
  if (usesDefault && !Object.hasOwn(networks, 'default')) networks['default'] = null;
  if (Object.keys(networks).length > 0) model['networks'] = networks;
}

function nameResources(model: YamlMap, project: string): void {
  for (const section of ['networks', 'volumes', 'configs', 'secrets']) {
    const entries = model[section];
    if (!isYamlMap(entries)) continue;
    for (const key of Object.keys(entries)) {
      const resource: YamlMap = isYamlMap(entries[key]) ? (entries[key] as YamlMap) : {};
      if (resource['name'] === undefined || resource['name'] === null) {
        resource['name'] = isTrue(resource['external']) ? key : `${project}_${key}`;
      }
      entries[key] = resource;
    }
  }
}

function isTrue(value: YamlValue | undefined): boolean {
  return (
    value === true || (typeof value === 'string' && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value))
  );
}
