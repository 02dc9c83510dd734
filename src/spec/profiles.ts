import { SpecError } from './errors.js';
import type { ServiceConfig } from './service-types.js';
import type { Project } from './types.js';

/** A service is active when it has no profiles, or one of them is selected (`*` selects all). */
export function isServiceActive(service: ServiceConfig, profiles: readonly string[]): boolean {
  const own = service.profiles ?? [];
  if (own.length === 0) return true;
  return profiles.some((p) => p === '*' || own.includes(p));
}

/**
 * Splits the project's services (active and disabled alike) into active and disabled ones for
 * `profiles` (15-profiles.md). Other top-level elements are never filtered.
 */
export function applyProfiles(project: Project, profiles: readonly string[]): Project {
  const services: Record<string, ServiceConfig> = {};
  const disabledServices: Record<string, ServiceConfig> = {};
  const all = { ...project.services, ...project.disabledServices };
  for (const name of Object.keys(all).sort()) {
    const service = all[name] as ServiceConfig;
    if (isServiceActive(service, profiles)) services[name] = service;
    else disabledServices[name] = service;
  }
  return { ...project, services, disabledServices, profiles: [...profiles] };
}

/**
 * Naming services on the command line (`up db`, `config db`) activates their profiles, as Compose
 * does: the profiles of each named disabled service are added to the selected ones. A name the
 * project does not define at all is an error.
 */
export function enableServices(project: Project, names: readonly string[]): Project {
  const profiles = [...project.profiles];
  for (const name of names) {
    if (Object.hasOwn(project.services, name)) continue;
    const disabled = project.disabledServices[name];
    if (!disabled) throw noSuchService(name);
    for (const p of disabled.profiles ?? []) if (!profiles.includes(p)) profiles.push(p);
  }
  return applyProfiles(project, profiles);
}

/**
 * Keeps `names` and the services they depend on (transitively) active, and disables the others.
 * Unknown names are errors; an unknown dependency is an error unless it is not `required`.
 */
export function selectServices(project: Project, names: readonly string[]): Project {
  if (names.length === 0) return project;
  const keep = new Set<string>();
  const visit = (name: string, required: boolean): void => {
    if (keep.has(name)) return;
    const service = project.services[name];
    if (!service) {
      if (required) throw noSuchService(name);
      return;
    }
    keep.add(name);
    for (const [dep, config] of Object.entries(service.depends_on ?? {})) visit(dep, config.required);
  };
  for (const name of names) visit(name, true);
  const services: Record<string, ServiceConfig> = {};
  const disabledServices: Record<string, ServiceConfig> = { ...project.disabledServices };
  for (const [name, service] of Object.entries(project.services)) {
    if (keep.has(name)) services[name] = service;
    else disabledServices[name] = service;
  }
  return { ...project, services, disabledServices };
}

function noSuchService(name: string): SpecError {
  return new SpecError({ code: 'SPEC_REFERENCE', detail: `no such service: ${name}` });
}
