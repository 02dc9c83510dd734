import { isYamlMap, type YamlMap } from '../document/yaml-value.js';
import type { Environment } from '../env/project-environment.js';
import type { ModelStage } from './model-stage.js';

/**
 * Model stage — values taken from the environment without interpolation: a bare `KEY` in a
 * service's `environment` list becomes `KEY=value` when the project environment has it; secrets and
 * configs with `environment: VAR` get VAR's value as their content.
 */

/**
 * Where the value of a secret's or config's `environment` variable is kept until binding. An `x-`
 * key, so that it survives validation when an included model is merged into its parent.
 */
export const ENVIRONMENT_VALUE_KEY = 'x-#value';
export const resolveEnvironmentReferencesStage: ModelStage = {
  name: 'resolve-environment-references',
  run(model, _ctx, scope) {
    resolveServices(model, scope.environment);
    resolveContent(model['secrets'], scope.environment);
    resolveContent(model['configs'], scope.environment);
    return model;
  },
};

function resolveServices(model: YamlMap, env: Environment): void {
  const services = model['services'];
  if (!isYamlMap(services)) return;
  for (const name of Object.keys(services)) {
    const service = services[name];
    if (!isYamlMap(service) || !Array.isArray(service['environment'])) continue;
    service['environment'] = service['environment'].map((entry) =>
      typeof entry === 'string' && Object.hasOwn(env, entry) ? `${entry}=${env[entry]}` : entry,
    );
  }
}

function resolveContent(section: unknown, env: Environment): void {
  if (!isYamlMap(section)) return;
  for (const name of Object.keys(section)) {
    const resource = section[name];
    if (!isYamlMap(resource)) continue;
    const variable = resource['environment'];
    if (typeof variable === 'string' && Object.hasOwn(env, variable)) {
      resource[ENVIRONMENT_VALUE_KEY] = env[variable] as string;
    }
  }
}
