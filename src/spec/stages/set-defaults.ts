import { isYamlMap, scalarToString, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import { RuleTable, type FieldPath } from '../field-path.js';
import type { ModelStage } from './model-stage.js';

type Defaulter = (value: YamlValue) => void;

const buildContext: Defaulter = (v) => {
  if (isYamlMap(v) && !Object.hasOwn(v, 'context')) v['context'] = '.';
};
const secretTarget: Defaulter = (v) => {
  if (isYamlMap(v) && !Object.hasOwn(v, 'target'))
    v['target'] = `/run/secrets/${scalarToString(v['source'])}`;
};
const portDefaults: Defaulter = (v) => {
  if (!isYamlMap(v)) return;
  if (!Object.hasOwn(v, 'protocol')) v['protocol'] = 'tcp';
  if (!Object.hasOwn(v, 'mode')) v['mode'] = 'ingress';
};
const deviceCount: Defaulter = (v) => {
  if (isYamlMap(v) && !Object.hasOwn(v, 'count') && !Object.hasOwn(v, 'device_ids')) v['count'] = 'all';
};
const bindDefaults: Defaulter = (v) => {
  if (isYamlMap(v) && !Object.hasOwn(v, 'create_host_path')) v['create_host_path'] = true;
};

/** Defaults the specification states for attributes left out (compose-go's transform/defaults.go). */
const DEFAULTS = new RuleTable<Defaulter>([
  ['services.*.build', buildContext],
  ['services.*.secrets.*', secretTarget],
  ['services.*.ports.*', portDefaults],
  ['services.*.deploy.resources.reservations.devices.*', deviceCount],
  ['services.*.gpus.*', deviceCount],
  ['services.*.volumes.*.bind', bindDefaults],
]);

/** Model stage — implicit defaults: build context `.`, secret targets, port protocol/mode, ... */
export const setDefaultsStage: ModelStage = {
  name: 'set-defaults',
  run(model) {
    walk(model, []);
    return model;
  },
};

function walk(node: YamlValue, path: (string | number)[]): void {
  const visit = (child: YamlValue, seg: string | number): void => {
    path.push(seg);
    const rule = DEFAULTS.get(path as FieldPath);
    if (rule) rule(child);
    else if (DEFAULTS.hasRulesBelow(path)) walk(child, path);
    path.pop();
  };
  if (Array.isArray(node)) node.forEach((child, i) => visit(child, i));
  else if (isYamlMap(node))
    for (const key of Object.keys(node)) visit((node as YamlMap)[key] as YamlValue, key);
}
