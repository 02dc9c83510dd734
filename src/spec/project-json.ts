import { EXTENSIONS } from './service-types.js';
import type { FileObjectConfig, Project } from './types.js';

/**
 * The project as `config --format json` prints it, in compose-go's shape: top-level keys sorted
 * (a Go map), `name`, `services` always, the other sections when not empty, top-level `x-*` inline;
 * nested extensions left out (they are not part of Compose's JSON), secret contents never printed,
 * config contents not printed when they come from an environment variable.
 */
export function projectToJson(project: Project): Record<string, unknown> {
  const top: Record<string, unknown> = { name: project.name, services: project.services };
  if (Object.keys(project.networks).length > 0) top['networks'] = project.networks;
  if (Object.keys(project.volumes).length > 0) top['volumes'] = project.volumes;
  if (Object.keys(project.secrets).length > 0) top['secrets'] = withoutContent(project.secrets, () => true);
  if (Object.keys(project.configs).length > 0) {
    top['configs'] = withoutContent(project.configs, (c) => c.environment !== undefined);
  }
  if (Object.keys(project.models).length > 0) top['models'] = project.models;
  for (const [key, value] of Object.entries(project.extensions)) top[key] = value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(top).sort()) sorted[key] = top[key];
  return sorted;
}

/**
 * The project as `config` (YAML) prints it: compose-go's YAML field order (name, services,
 * networks, volumes, secrets, configs, models, then `x-*`), nested `x-*` inline after each object's
 * fields, unset `command`/`entrypoint` and empty `ipam`/`resources`/`placement` left out.
 */
export function projectToYamlObject(project: Project): Record<string, unknown> {
  const json = projectToJson(project);
  const top: Record<string, unknown> = { name: project.name, services: yamlValue(project.services) };
  for (const key of ['networks', 'volumes', 'secrets', 'configs', 'models']) {
    if (json[key] !== undefined) top[key] = yamlValue(json[key]);
  }
  for (const [key, value] of Object.entries(project.extensions)) top[key] = value;
  return top;
}

const OMIT_WHEN_NULL = new Set(['command', 'entrypoint']);
const OMIT_WHEN_EMPTY = new Set(['ipam', 'resources', 'placement']);

function yamlValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(yamlValue);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null && OMIT_WHEN_NULL.has(key)) continue;
    const converted = yamlValue(v);
    if (OMIT_WHEN_EMPTY.has(key) && isEmptyObject(converted)) continue;
    out[key] = converted;
  }
  const extensions = (value as { [EXTENSIONS]?: Record<string, unknown> })[EXTENSIONS];
  if (extensions) for (const [key, v] of Object.entries(extensions)) out[key] = v;
  return out;
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

function withoutContent(
  entries: Record<string, FileObjectConfig>,
  hide: (c: FileObjectConfig) => boolean,
): Record<string, FileObjectConfig> {
  const out: Record<string, FileObjectConfig> = {};
  for (const [name, entry] of Object.entries(entries)) {
    if (entry.content !== undefined && hide(entry)) {
      const copy = { ...entry };
      delete copy.content;
      out[name] = copy;
    } else out[name] = entry;
  }
  return out;
}
