import type { ContainerInfo } from '../engine/container/types.js';
import { containerResource } from '../planner/container-name.js';
import { dependencyOrder, reverseDependencyOrder, type GraphNode } from '../planner/dependency-graph.js';
import { containerNumberOf, LABEL, parseDependsOnLabel } from '../planner/labels.js';
import { PlanBuilder } from '../planner/plan-builder.js';
import type { DependencyCondition, Plan, WaitCondition } from '../planner/types.js';
import type { Project } from '../spec/types.js';
import { isLive } from './actions/index.js';

/**
 * Plans for the project commands that start and stop what exists (`start`, `stop`, `restart`),
 * so they run through the same executor as `up`: bounded parallelism, dependency order, waits on
 * `depends_on` conditions, one error naming the container. Dependencies come from the stack (active
 * and profile-disabled services), else from the containers' `depends-on` labels.
 */
interface Edge {
  readonly on: string;
  readonly condition: DependencyCondition;
  readonly required: boolean;
}

function edgesOf(
  project: Project,
  byService: ReadonlyMap<string, readonly ContainerInfo[]>,
): Map<string, Edge[]> {
  const out = new Map<string, Edge[]>();
  for (const [service, list] of byService) {
    const config = project.services[service] ?? project.disabledServices[service];
    const edges: Edge[] = config
      ? Object.entries(config.depends_on ?? {}).map(([on, d]) => ({
          on,
          condition: d.condition,
          required: d.required,
        }))
      : parseDependsOnLabel(list[0]?.labels[LABEL.dependsOn]).map((d) => ({
          on: d.service,
          condition: d.condition as DependencyCondition,
          required: true,
        }));
    out.set(service, edges);
  }
  return out;
}

function group(containers: readonly ContainerInfo[]): Map<string, ContainerInfo[]> {
  const out = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    const s = c.labels[LABEL.service] ?? '';
    out.set(s, [...(out.get(s) ?? []), c]);
  }
  for (const list of out.values()) list.sort((a, b) => (a.name < b.name ? -1 : 1));
  return out;
}

function graph(edges: ReadonlyMap<string, readonly Edge[]>): Record<string, GraphNode> {
  const nodes: Record<string, GraphNode> = {};
  for (const [service, list] of edges) nodes[service] = { dependencies: list.filter((e) => edges.has(e.on)) };
  return nodes;
}

function order(nodes: Record<string, GraphNode>, reverse: boolean): string[] {
  try {
    return reverse ? reverseDependencyOrder(nodes) : dependencyOrder(nodes);
  } catch {
    // A cycle (only possible through labels of services the stack no longer has): by name.
    return Object.keys(nodes).sort();
  }
}

function ref(c: ContainerInfo): { service: string; number: number | null; resource: string } {
  const service = c.labels[LABEL.service] ?? '';
  const number = c.labels[LABEL.oneoff] === 'true' ? null : containerNumberOf(c.labels);
  return { service, number, resource: containerResource(service, number, c.name) };
}

/**
 * `start`: every container not running, dependencies first; each start waits for its
 * dependencies' conditions (as `up` does), unless `noWait`.
 */
export function startPlan(
  project: Project,
  containers: readonly ContainerInfo[],
  o: { noWait?: boolean } = {},
): Plan {
  const byService = group(containers);
  const edges = edgesOf(project, byService);
  const b = new PlanBuilder();
  const ids = new Map<string, number[]>();
  for (const service of order(graph(edges), false)) {
    const deps = (edges.get(service) ?? []).filter((e) => byService.has(e.on));
    const after = deps.flatMap((e) => ids.get(e.on) ?? []);
    const waitFor: WaitCondition[] = o.noWait
      ? []
      : deps.map((e) => ({ service: e.on, condition: e.condition, required: e.required }));
    const mine: number[] = [];
    for (const c of byService.get(service) ?? []) {
      if (isLive(c)) continue;
      const r = ref(c);
      mine.push(
        b.add(
          {
            kind: 'start-container',
            resource: r.resource,
            cause: 'start',
            service: r.service,
            number: r.number,
            container: { containerId: c.id, name: c.name },
            waitFor,
          },
          after,
        ),
      );
    }
    ids.set(service, mine);
  }
  return planOf(project.name, b);
}

/** `stop`: every live container, dependents first. */
export function stopPlan(project: Project, containers: readonly ContainerInfo[]): Plan {
  const byService = group(containers);
  const edges = edgesOf(project, byService);
  const b = new PlanBuilder();
  const ids = new Map<string, number[]>();
  for (const service of order(graph(edges), true)) {
    const dependents = [...edges].filter(([, list]) => list.some((e) => e.on === service)).map(([s]) => s);
    const after = dependents.flatMap((s) => ids.get(s) ?? []);
    const mine: number[] = [];
    for (const c of byService.get(service) ?? []) {
      if (!isLive(c)) continue;
      const r = ref(c);
      mine.push(
        b.add(
          {
            kind: 'stop-container',
            resource: r.resource,
            cause: 'stop',
            service: r.service,
            number: r.number,
            container: { containerId: c.id, name: c.name },
          },
          after,
        ),
      );
    }
    ids.set(service, mine);
  }
  return planOf(project.name, b);
}

function planOf(project: string, b: PlanBuilder): Plan {
  return {
    project,
    actions: b.build(),
    blockers: [],
    warnings: [],
    unchanged: { containers: [], networks: [], volumes: [] },
  };
}

/** Services that depend on any of `services` (transitively), for `restart` and `stop` of dependents. */
export function dependentsOf(project: Project, services: readonly string[]): string[] {
  const all = { ...project.disabledServices, ...project.services };
  const out = new Set(services);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, s] of Object.entries(all)) {
      if (out.has(name)) continue;
      if (Object.keys(s.depends_on ?? {}).some((d) => out.has(d))) {
        out.add(name);
        grew = true;
      }
    }
  }
  return [...out].sort();
}
