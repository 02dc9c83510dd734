import type { ContainerInfo } from '../engine/container/types.js';
import { compare } from './dependency-graph.js';
import { containerNumberOf, LABEL } from './labels.js';

/**
 * The project's service containers (labelled with the project, not one-off), by service, each list
 * sorted by replica number (containers without a valid number last), then creation time, then id.
 * Found by labels only, never by name.
 */
export function serviceContainers(
  project: string,
  containers: readonly ContainerInfo[],
): Map<string, ContainerInfo[]> {
  const out = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    if (c.labels[LABEL.project] !== project || c.labels[LABEL.oneoff] === 'true') continue;
    const service = c.labels[LABEL.service];
    if (service === undefined || service === '') continue;
    out.set(service, [...(out.get(service) ?? []), c]);
  }
  for (const list of out.values()) list.sort(byNumber);
  return out;
}

/** Every container of the project, one-offs included (what `down` removes). */
export function allProjectContainers(project: string, containers: readonly ContainerInfo[]): ContainerInfo[] {
  return containers
    .filter((c) => c.labels[LABEL.project] === project)
    .sort((a, b) => compare(a.labels[LABEL.service] ?? '', b.labels[LABEL.service] ?? '') || byNumber(a, b));
}

function byNumber(a: ContainerInfo, b: ContainerInfo): number {
  const na = containerNumberOf(a.labels) ?? Number.MAX_SAFE_INTEGER;
  const nb = containerNumberOf(b.labels) ?? Number.MAX_SAFE_INTEGER;
  if (na !== nb) return na - nb;
  return compare(a.created, b.created) || compare(a.id, b.id);
}
