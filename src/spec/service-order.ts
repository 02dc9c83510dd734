import type { Project } from './types.js';

/**
 * Active services with each service after the services it depends on, otherwise by name: the
 * order `config --services` prints and a safe creation order. Dependencies that are not active
 * are skipped (consistency checks have reported required ones already); cycles do not loop.
 */
export function servicesInDependencyOrder(project: Project): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || !Object.hasOwn(project.services, name)) return;
    seen.add(name);
    const deps = Object.keys(project.services[name]?.depends_on ?? {}).sort();
    for (const dep of deps) visit(dep);
    out.push(name);
  };
  for (const name of Object.keys(project.services).sort()) visit(name);
  return out;
}
