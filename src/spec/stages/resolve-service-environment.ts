import { readEnvFile } from '../env/project-environment.js';
import type { LoaderContext } from '../load-context.js';
import type { ServiceConfig } from '../service-types.js';
import type { Project } from '../types.js';
import type { ProjectStage } from './project-stage.js';

/**
 * Project stage — the container environment of each active service: `environment` entries without
 * a value take the project environment's value, then the `env_file`s are read in order (later
 * files win; a file's values may use `${VAR}` from the project environment, then the service's
 * `environment`), and `environment` overrides them all, even with an empty value.
 * `config --no-env-resolution` skips this stage.
 */
export const resolveServiceEnvironmentStage: ProjectStage = {
  name: 'resolve-service-environment',
  async run(project, ctx) {
    if (!ctx.switches.resolveEnvironment) return project;
    const services: Record<string, ServiceConfig> = {};
    const cache: EnvFileCache = new Map();
    for (const [name, service] of Object.entries(project.services)) {
      services[name] = await resolveService(name, service, project, ctx, cache);
    }
    return { ...project, services };
  },
};

/**
 * Parsed env files that did not look any variable up (no `${VAR}`, no bare `KEY`): their values do
 * not depend on the service, so an env_file shared by many services is parsed once.
 */
type EnvFileCache = Map<string, Record<string, string> | 'missing'>;

async function resolveService(
  name: string,
  service: ServiceConfig,
  project: Project,
  ctx: LoaderContext,
  cache: EnvFileCache,
): Promise<ServiceConfig> {
  const declared: Record<string, string | null> = { ...(service.environment ?? {}) };
  for (const [key, value] of Object.entries(declared)) {
    if (value === null && Object.hasOwn(project.environment, key))
      declared[key] = project.environment[key] as string;
  }
  const fromFiles: Record<string, string> = {};
  for (const [key, value] of Object.entries(declared)) if (value !== null) fromFiles[key] = value;
  for (const envFile of service.env_file ?? []) {
    const cacheKey = `${envFile.format ?? ''}\0${envFile.path}`;
    const cached = cache.get(cacheKey);
    if (cached !== undefined) {
      if (cached === 'missing') {
        if (envFile.required !== false) missingEnvFile(name, envFile.path, ctx);
      } else Object.assign(fromFiles, cached);
      continue;
    }
    let usedLookup = false;
    const values: Record<string, string> = {};
    const found = await readEnvFile(envFile.path, values, {
      reader: ctx.cachedReader,
      format: envFile.format,
      signal: ctx.signal,
      displayBase: ctx.displayBase,
      lookup: (key) => {
        usedLookup = true;
        if (Object.hasOwn(project.environment, key)) return project.environment[key];
        const own = declared[key];
        if (own !== null && own !== undefined) return own;
        // Keys of earlier env files of this service (the parser then tries this file's own keys).
        return Object.hasOwn(fromFiles, key) ? fromFiles[key] : undefined;
      },
      onUnset: (variable) => ctx.warn(`The "${variable}" variable is not set. Defaulting to a blank string.`),
    });
    if (!usedLookup) cache.set(cacheKey, found ? values : 'missing');
    if (!found && envFile.required !== false) missingEnvFile(name, envFile.path, ctx);
    Object.assign(fromFiles, values);
  }
  const merged: Record<string, string | null> = { ...fromFiles, ...declared };
  const keys = Object.keys(merged).sort();
  if (keys.length === 0) return service;
  const environment: Record<string, string | null> = {};
  for (const key of keys) environment[key] = merged[key] as string | null;
  return { ...service, environment };
}

function missingEnvFile(service: string, path: string, ctx: LoaderContext): never {
  return ctx.fail('SPEC_FILE', `env file ${path} not found (services.${service}.env_file)`, {
    hint: 'create the file, or mark the entry `required: false`',
  });
}
