import { isYamlMap } from '../document/yaml-value.js';
import type { FileStage } from './file-stage.js';

/** Stage 9 — empty `dns` entries (a `dns: ${DNS}` with DNS unset) are dropped, as in Compose. */
export const omitEmptyStage: FileStage = {
  name: 'omit-empty',
  modes: ['project', 'include', 'extends'],
  run(state) {
    const services = state.model['services'];
    if (!isYamlMap(services)) return state;
    for (const name of Object.keys(services)) {
      const service = services[name];
      if (!isYamlMap(service)) continue;
      const dns = service['dns'];
      if (Array.isArray(dns)) service['dns'] = dns.filter((e) => e !== null && e !== '');
    }
    return state;
  },
};
