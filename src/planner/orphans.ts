import type { ContainerInfo } from '../engine/container/types.js';
import { CAUSE } from './causes.js';
import { containerResource } from './container-name.js';
import { reverseDependencyOrder, type GraphNode } from './dependency-graph.js';
import { containerNumberOf, LABEL, parseDependsOnLabel } from './labels.js';
import type { PlanBuilder } from './plan-builder.js';
import type { DesiredState } from './types.js';

/**
 * Orphans: the project's service containers whose service is not in the stack any more. Services
 * disabled by profiles are not orphans (Compose's rule: they are defined, just not active), and
 * one-off `run` containers are not either.
 */
export function findOrphans(
  desired: DesiredState,
  byService: ReadonlyMap<string, readonly ContainerInfo[]>,
): ContainerInfo[] {
  const known = new Set([...Object.keys(desired.services), ...desired.disabledServices]);
  return [...byService.entries()]
    .filter(([service]) => !known.has(service))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([, list]) => list);
}

/** The warning shown when orphans are found and not removed. */
export function orphanWarning(orphans: readonly ContainerInfo[]): string {
  const names = orphans.map((c) => c.name).join(', ');
  return `found orphan containers (${names}) of services not in the stack; --remove-orphans removes them`;
}

/**
 * Removes orphans, dependents first: the order comes from the `io.tscompose.depends-on` labels the
 * containers carry (their services are gone from the stack, so the labels are all that is left).
 * Returns the action id per container id.
 */
export function emitOrphanRemovals(
  builder: PlanBuilder,
  orphans: readonly ContainerInfo[],
  removeAnonymousVolumes: boolean,
): Map<string, number> {
  const byService = new Map<string, ContainerInfo[]>();
  for (const c of orphans) {
    const s = c.labels[LABEL.service] as string;
    byService.set(s, [...(byService.get(s) ?? []), c]);
  }
  const nodes: Record<string, GraphNode> = {};
  for (const [service, list] of byService) {
    const deps = new Set(
      list.flatMap((c) => parseDependsOnLabel(c.labels[LABEL.dependsOn]).map((d) => d.service)),
    );
    nodes[service] = { dependencies: [...deps].filter((d) => byService.has(d)).map((on) => ({ on })) };
  }
  let order: string[];
  try {
    order = reverseDependencyOrder(nodes);
  } catch {
    // Labels are data, not a checked model: a cycle among them only loses the ordering.
    order = [...byService.keys()].sort();
    for (const node of Object.values(nodes)) (node.dependencies as { on: string }[]).length = 0;
  }
  const ids = new Map<string, number>();
  const serviceIds = new Map<string, number[]>();
  for (const service of order) {
    const dependents = Object.entries(nodes)
      .filter(([, n]) => n.dependencies.some((d) => d.on === service))
      .flatMap(([s]) => serviceIds.get(s) ?? []);
    const list: number[] = [];
    for (const c of byService.get(service) ?? []) {
      const number = containerNumberOf(c.labels);
      const id = builder.add(
        {
          kind: 'remove-container',
          resource: containerResource(service, number, c.name),
          cause: CAUSE.orphan,
          service,
          number,
          container: { containerId: c.id, name: c.name },
          removeAnonymousVolumes,
        },
        dependents,
      );
      ids.set(c.id, id);
      list.push(id);
    }
    serviceIds.set(service, list);
  }
  return ids;
}
