import { isIpAddress } from '../canonical/port-spec.js';
import { isYamlMap, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import type { FieldPath } from '../field-path.js';
import type { LoaderContext } from '../load-context.js';
import type { ModelStage } from './model-stage.js';

/**
 * Model stage — rules between attributes that the schema cannot express (compose-go's
 * validation package): `external` resources declare nothing else, a config/secret has exactly one
 * source, `host_ip` is an address, a watch path is not blank, `count` excludes `device_ids`.
 */
export const checkAttributesStage: ModelStage = {
  name: 'check-attributes',
  run(model, ctx) {
    const fail = (path: FieldPath, detail: string, hint?: string): never =>
      ctx.fail('SPEC_INVALID', detail, { root: model, path, ...(hint ? { hint } : {}) });
    forEachEntry(model, 'volumes', (name, volume) => checkExternal(volume, ['volumes', name], fail));
    forEachEntry(model, 'configs', (name, config) =>
      checkFileObject(config, ['configs', name], ['file', 'environment', 'content'], fail),
    );
    forEachEntry(model, 'secrets', (name, secret) =>
      checkFileObject(secret, ['secrets', name], ['file', 'environment'], fail),
    );
    forEachEntry(model, 'services', (name, service) => checkService(service, name, fail, ctx));
    return model;
  },
};

type Fail = (path: FieldPath, detail: string, hint?: string) => never;

function forEachEntry(model: YamlMap, key: string, fn: (name: string, value: YamlValue) => void): void {
  const section = model[key];
  if (!isYamlMap(section)) return;
  for (const name of Object.keys(section)) fn(name, section[name] as YamlValue);
}

function checkExternal(resource: YamlValue, path: FieldPath, fail: Fail): void {
  if (!isYamlMap(resource) || resource['external'] !== true) return;
  for (const key of Object.keys(resource)) {
    if (key === 'name' || key === 'external' || key.startsWith('x-')) continue;
    fail(
      [...path, key],
      `conflicting parameters "external" and "${key}" specified`,
      'an external resource is created outside Compose: declare only its name',
    );
  }
}

function checkFileObject(resource: YamlValue, path: FieldPath, sources: string[], fail: Fail): void {
  if (!isYamlMap(resource)) return;
  const present = sources.filter((s) => Object.hasOwn(resource, s));
  if (present.length > 1) fail(path, `${sources.join('|')} attributes are mutually exclusive`);
  if (present.length === 0 && !Object.hasOwn(resource, 'driver') && !Object.hasOwn(resource, 'external')) {
    fail(path, `one of ${sources.join('|')} must be set`);
  }
}

function checkService(service: YamlValue, name: string, fail: Fail, _ctx: LoaderContext): void {
  if (!isYamlMap(service)) return;
  const ports = service['ports'];
  if (Array.isArray(ports)) {
    ports.forEach((port, i) => {
      if (!isYamlMap(port) || !Object.hasOwn(port, 'host_ip')) return;
      const ip = port['host_ip'];
      if (typeof ip !== 'string' || !isIpAddress(ip)) {
        fail(['services', name, 'ports', i, 'host_ip'], `invalid ip address: ${String(ip)}`);
      }
    });
  }
  const develop = service['develop'];
  const watch = isYamlMap(develop) ? develop['watch'] : undefined;
  if (Array.isArray(watch)) {
    watch.forEach((rule, i) => {
      if (isYamlMap(rule) && rule['path'] === '') {
        fail(['services', name, 'develop', 'watch', i, 'path'], "value can't be blank");
      }
    });
  }
  const checkDevices = (list: YamlValue | undefined, path: FieldPath): void => {
    if (!Array.isArray(list)) return;
    list.forEach((device, i) => {
      if (isYamlMap(device) && Object.hasOwn(device, 'count') && Object.hasOwn(device, 'device_ids')) {
        fail([...path, i], '"count" and "device_ids" attributes are exclusive');
      }
    });
  };
  checkDevices(service['gpus'], ['services', name, 'gpus']);
  const deploy = service['deploy'];
  const resources = isYamlMap(deploy) ? deploy['resources'] : undefined;
  const reservations = isYamlMap(resources) ? resources['reservations'] : undefined;
  if (isYamlMap(reservations)) {
    checkDevices(reservations['devices'], [
      'services',
      name,
      'deploy',
      'resources',
      'reservations',
      'devices',
    ]);
  }
}
