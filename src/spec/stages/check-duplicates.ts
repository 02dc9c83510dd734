import { isYamlMap, type YamlValue } from '../document/yaml-value.js';
import { describeValue } from '../errors.js';
import { RuleTable, type RuleCursor } from '../field-path.js';
import type { FileStage } from './file-stage.js';

/**
 * Lists the schema declares `uniqueItems` (compose-spec.json): list_of_strings, the list forms of
 * list_or_dict / string_or_list / extra_hosts, ports, volumes, ...
 */
const UNIQUE_LISTS = new RuleTable<true>(
  [
    'services.*.annotations',
    'services.*.build.args',
    'services.*.build.ssh',
    'services.*.build.labels',
    'services.*.build.additional_contexts',
    'services.*.build.extra_hosts',
    'services.*.build.no_cache_filter',
    'services.*.cap_add',
    'services.*.cap_drop',
    'services.*.depends_on',
    'services.*.deploy.labels',
    'services.*.deploy.resources.reservations.devices.[].capabilities',
    'services.*.deploy.resources.reservations.devices.[].device_ids',
    'services.*.deploy.resources.reservations.devices.[].options',
    'services.*.develop.watch.[].ignore',
    'services.*.develop.watch.[].include',
    'services.*.develop.watch.[].exec.environment',
    'services.*.device_cgroup_rules',
    'services.*.dns',
    'services.*.dns_opt',
    'services.*.dns_search',
    'services.*.environment',
    'services.*.expose',
    'services.*.external_links',
    'services.*.extra_hosts',
    'services.*.gpus.[].capabilities',
    'services.*.gpus.[].device_ids',
    'services.*.gpus.[].options',
    'services.*.group_add',
    'services.*.labels',
    'services.*.links',
    'services.*.models',
    'services.*.networks',
    'services.*.networks.*.aliases',
    'services.*.networks.*.link_local_ips',
    'services.*.ports',
    'services.*.post_start.[].environment',
    'services.*.pre_start.[].environment',
    'services.*.pre_stop.[].environment',
    'services.*.profiles',
    'services.*.security_opt',
    'services.*.sysctls',
    'services.*.tmpfs',
    'services.*.volumes',
    'services.*.volumes.[].volume.labels',
    'services.*.volumes_from',
    'networks.*.labels',
    'volumes.*.labels',
    'secrets.*.labels',
    'configs.*.labels',
    'include.[].path',
    'include.[].env_file',
  ].map((p) => [p, true] as const),
);

/**
 * Stage 1b — duplicate entries within one document, in the lists the schema wants unique. Compose
 * validates after merging, when unicity has already collapsed duplicates; checking each document
 * as written keeps the schema's verdict (`cap_add: [A, A]` is invalid) while two files may still
 * both list the same entry.
 */
export const checkDuplicatesStage: FileStage = {
  name: 'check-duplicates',
  modes: ['project', 'include'],
  run(state, ctx) {
    if (!ctx.switches.validate) return state;
    const root = state.doc.value;
    const walk = (node: YamlValue, path: (string | number)[], cursor: RuleCursor<true>): void => {
      if (Array.isArray(node)) {
        if (cursor.rule) {
          const seen = new Map<string, number>();
          node.forEach((item, i) => {
            const key = canonicalJson(item);
            const at = seen.get(key);
            if (at !== undefined) {
              ctx.fail('SPEC_INVALID', `duplicate entry ${describeValue(item)} (already at index ${at})`, {
                root,
                path: [...path, i],
              });
            }
            seen.set(key, i);
          });
        }
        node.forEach((item, i) => {
          const next = cursor.step(i);
          if (!next) return;
          path.push(i);
          walk(item, path, next);
          path.pop();
        });
      } else if (isYamlMap(node)) {
        for (const key of Object.keys(node)) {
          const next = cursor.step(key);
          if (!next) continue;
          path.push(key);
          walk(node[key] as YamlValue, path, next);
          path.pop();
        }
      }
    };
    walk(root, [], UNIQUE_LISTS.cursor());
    return state;
  },
};

function canonicalJson(value: YamlValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isYamlMap(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as YamlValue)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
