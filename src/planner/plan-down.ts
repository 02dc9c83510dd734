import type { ContainerInfo } from '../engine/container/types.js';
import { CAUSE } from './causes.js';
import { containerResource } from './container-name.js';
import { reverseDependencyOrder, type GraphNode } from './dependency-graph.js';
import { PlanError } from './errors.js';
import { containerNumberOf, LABEL, parseDependsOnLabel } from './labels.js';
import { allProjectContainers } from './observed-index.js';
import { orphanWarning } from './orphans.js';
import { PlanBuilder } from './plan-builder.js';
import type { DesiredState, DownOptions, ObservedState, Plan } from './types.js';

/** The cause of every action of `down`. */
export const DOWN_CAUSE = 'down';

/**
 * The plan of `down`: remove the project's containers (one-off ones included) dependents first,
 * then the project's networks and, with `-v`, its volumes and the containers' anonymous volumes.
 * Order comes from the stack's dependency graph, and from the containers' `depends-on` labels for
 * services the stack no longer has. A network or volume is removed only when every container
 * using it is removed by this plan (`down web` leaves what other services still use).
 */
export function planDown(desired: DesiredState, observed: ObservedState, options: DownOptions = {}): Plan {
  const known = new Set([...Object.keys(desired.services), ...desired.disabledServices]);
  for (const name of options.services ?? []) {
    if (!known.has(name)) throw new PlanError('PLAN_REFERENCE', `no such service: ${name}`);
  }
  const selected =
    options.services !== undefined && options.services.length > 0 ? new Set(options.services) : null;
  const warnings: string[] = [];
  const all = allProjectContainers(desired.project, observed.containers);
  const serviceOf = (c: ContainerInfo): string => c.labels[LABEL.service] ?? '';
  const orphans = selected === null ? all.filter((c) => !known.has(serviceOf(c))) : [];
  if (orphans.length > 0 && options.removeOrphans !== true) warnings.push(orphanWarning(orphans));
  const removing = all.filter((c) =>
    selected !== null
      ? selected.has(serviceOf(c))
      : known.has(serviceOf(c)) || options.removeOrphans === true,
  );

  const byService = new Map<string, ContainerInfo[]>();
  for (const c of removing) byService.set(serviceOf(c), [...(byService.get(serviceOf(c)) ?? []), c]);
  const nodes: Record<string, GraphNode> = {};
  for (const [service, list] of byService) {
    const fromModel = desired.services[service]?.dependencies.map((d) => d.on);
    const fromLabels = list.flatMap((c) =>
      parseDependsOnLabel(c.labels[LABEL.dependsOn]).map((d) => d.service),
    );
    const deps = [...new Set(fromModel ?? fromLabels)].filter((d) => byService.has(d));
    nodes[service] = { dependencies: deps.map((on) => ({ on })) };
  }
  let order: string[];
  try {
    order = reverseDependencyOrder(nodes);
  } catch {
    // A cycle can only come from labels of containers whose services are gone: removal order is
    // then unconstrained.
    order = [...byService.keys()].sort();
    for (const node of Object.values(nodes)) (node.dependencies as { on: string }[]).length = 0;
  }

  const b = new PlanBuilder();
  const removalOf = new Map<string, number>();
  const serviceIds = new Map<string, number[]>();
  for (const service of order) {
    const dependents = Object.entries(nodes)
      .filter(([, n]) => n.dependencies.some((d) => d.on === service))
      .flatMap(([s]) => serviceIds.get(s) ?? []);
    const ids: number[] = [];
    for (const c of byService.get(service) ?? []) {
      const number = containerNumberOf(c.labels);
      const id = b.add(
        {
          kind: 'remove-container',
          resource: containerResource(service, c.labels[LABEL.oneoff] === 'true' ? null : number, c.name),
          cause: known.has(service) ? DOWN_CAUSE : CAUSE.orphan,
          service,
          number,
          container: { containerId: c.id, name: c.name },
          removeAnonymousVolumes: options.removeVolumes === true,
        },
        dependents,
      );
      removalOf.set(c.id, id);
      ids.push(id);
    }
    serviceIds.set(service, ids);
  }

  for (const n of [...observed.networks].sort((x, y) => (x.name < y.name ? -1 : 1))) {
    if (n.labels[LABEL.project] !== desired.project || n.labels[LABEL.network] === undefined) continue;
    const users = n.endpoints.map((e) => e.containerId);
    if (!users.every((id) => removalOf.has(id))) continue;
    if (selected !== null && users.length === 0) continue;
    b.add(
      {
        kind: 'remove-network',
        resource: `network:${n.labels[LABEL.network]}`,
        cause: DOWN_CAUSE,
        name: n.name,
        networkId: n.id,
      },
      users.map((id) => removalOf.get(id) as number),
    );
  }
  if (options.removeVolumes === true) {
    for (const v of [...observed.volumes].sort((x, y) => (x.name < y.name ? -1 : 1))) {
      if (v.labels[LABEL.project] !== desired.project || v.labels[LABEL.volume] === undefined) continue;
      if (!v.usedBy.every((id) => removalOf.has(id))) continue;
      if (selected !== null && v.usedBy.length === 0) continue;
      b.add(
        {
          kind: 'remove-volume',
          resource: `volume:${v.labels[LABEL.volume]}`,
          cause: DOWN_CAUSE,
          name: v.name,
        },
        v.usedBy.map((id) => removalOf.get(id) as number),
      );
    }
  }
  return {
    project: desired.project,
    actions: b.build(),
    blockers: [],
    warnings,
    unchanged: { containers: [], networks: [], volumes: [] },
  };
}
