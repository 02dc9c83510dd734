import { isYamlMap, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import type { FieldPath } from '../field-path.js';
import type { ServiceHook, WatchRule } from '../service-types.js';
import { copyExtensions, put, type Binder } from './binder.js';

type Raw = YamlValue | undefined;

function map(v: Raw): YamlMap {
  return isYamlMap(v) ? v : {};
}

function list(v: Raw): YamlValue[] {
  return Array.isArray(v) ? v : [];
}

// Commands run around a service's containers: lifecycle hooks and develop.watch rules.

export function bindHooks(raw: Raw, path: FieldPath, b: Binder): ServiceHook[] | undefined {
  const items = list(raw).map((item, i) => bindHook(map(item), [...path, i], b));
  return items.length > 0 ? items : undefined;
}

export function bindHook(m: YamlMap, path: FieldPath, b: Binder): ServiceHook {
  const at = (k: string): FieldPath => [...path, k];
  const out: ServiceHook = { command: b.command(m['command'], at('command')) };
  put(out, 'image', b.str(m['image'], at('image')));
  put(out, 'user', b.str(m['user'], at('user')));
  put(out, 'privileged', b.flag(m['privileged'], at('privileged')));
  put(out, 'working_dir', b.str(m['working_dir'], at('working_dir')));
  put(out, 'environment', b.mappingWithEquals(m['environment'], at('environment')));
  put(out, 'per_replica', b.flag(m['per_replica'], at('per_replica')));
  return copyExtensions(m, out);
}

export function bindWatchRules(raw: Raw, path: FieldPath, b: Binder): WatchRule[] | undefined {
  const items = list(raw).map((item, i) => {
    const m = map(item);
    const at = (k: string): FieldPath => [...path, i, k];
    const out: WatchRule = {
      path: b.str(m['path'], at('path')) ?? '',
      action: (b.str(m['action'], at('action')) ?? 'sync') as WatchRule['action'],
    };
    put(out, 'target', b.str(m['target'], at('target')));
    if (isYamlMap(m['exec'])) out.exec = bindHook(m['exec'], at('exec'), b);
    put(out, 'include', b.strings(m['include'], at('include')));
    put(out, 'ignore', b.strings(m['ignore'], at('ignore')));
    put(out, 'initial_sync', b.flag(m['initial_sync'], at('initial_sync')));
    return copyExtensions(m, out);
  });
  return items.length > 0 ? items : undefined;
}
