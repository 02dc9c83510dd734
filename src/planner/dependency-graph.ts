import type { ServiceConfig } from '../spec/types.js';
import { PlanError } from './errors.js';
import type { DependencyCondition, DependencyEdge, DependencySource, NamespaceRef } from './types.js';

/** A reference `service:X` in network_mode/ipc/pid/uts/cgroup, or null. */
export function serviceReference(value: string | undefined): string | null {
  return value !== undefined && value.startsWith('service:') ? value.slice('service:'.length) : null;
}

/** `volumes_from` entry → the service it names (null for `container:…` entries). */
export function volumesFromService(entry: string): string | null {
  if (entry.startsWith('container:')) return null;
  return entry.split(':')[0] ?? null;
}

/**
 * The services `name` depends on: `depends_on` plus the implicit edges Compose's normalization adds
 * (links, `service:` namespaces, volumes_from), merged per target. The loader already writes the
 * implicit ones into `depends_on`; deriving them again here keeps the planner correct for models
 * loaded without normalization and records where each edge comes from. Edges to services that are
 * not active are dropped (the loader has rejected required ones).
 */
export function serviceDependencies(
  name: string,
  service: ServiceConfig,
  active: ReadonlySet<string>,
): DependencyEdge[] {
  const edges = new Map<
    string,
    { condition: DependencyCondition; required: boolean; restart: boolean; sources: DependencySource[] }
  >();
  const add = (on: string, source: DependencySource, restart: boolean): void => {
    const edge = edges.get(on);
    if (edge) {
      if (!edge.sources.includes(source)) edge.sources.push(source);
      edge.restart ||= restart;
    } else {
      edges.set(on, { condition: 'service_started', required: true, restart, sources: [source] });
    }
  };
  for (const [on, dep] of Object.entries(service.depends_on ?? {})) {
    edges.set(on, {
      condition: dep.condition,
      required: dep.required,
      restart: (dep.restart as boolean | undefined) === true,
      sources: ['depends_on'],
    });
  }
  for (const link of service.links ?? []) add(link.split(':')[0] as string, 'links', true);
  for (const kind of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup'] as const) {
    const ref = serviceReference(service[kind]);
    if (ref !== null) add(ref, kind, true);
  }
  for (const entry of service.volumes_from ?? []) {
    const ref = volumesFromService(entry);
    if (ref !== null) add(ref, 'volumes_from', false);
  }
  return [...edges.entries()]
    .filter(([on]) => on !== name && active.has(on))
    .sort(([a], [b]) => compare(a, b))
    .map(([on, e]) => ({ service: name, on, ...e }));
}

/** References that make a container hold another service's container id (recreate cascade). */
export function namespaceReferences(service: ServiceConfig): NamespaceRef[] {
  const out: NamespaceRef[] = [];
  for (const kind of ['network_mode', 'ipc', 'pid'] as const) {
    const ref = serviceReference(service[kind]);
    if (ref !== null) out.push({ kind, service: ref });
  }
  for (const entry of service.volumes_from ?? []) {
    const ref = volumesFromService(entry);
    if (ref !== null) out.push({ kind: 'volumes_from', service: ref });
  }
  return out;
}

/** The graph's view of a service: its name and the services it depends on. */
export interface GraphNode {
  readonly dependencies: readonly { readonly on: string }[];
}

/**
 * Services ordered so that each comes after everything it depends on; among services ready at the
 * same time, by name (deterministic plans). Edges to unknown services are ignored. Throws
 * PLAN_CYCLE naming the cycle when there is none.
 */
export function dependencyOrder(nodes: Readonly<Record<string, GraphNode>>): string[] {
  const names = Object.keys(nodes).sort(compare);
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const name of names) {
    const deps = depsOf(nodes, name);
    pending.set(name, deps.length);
    for (const dep of deps) dependents.set(dep, [...(dependents.get(dep) ?? []), name]);
  }
  const ready = names.filter((n) => pending.get(n) === 0);
  const out: string[] = [];
  while (ready.length > 0) {
    ready.sort(compare);
    const name = ready.shift() as string;
    out.push(name);
    for (const d of dependents.get(name) ?? []) {
      const left = (pending.get(d) as number) - 1;
      pending.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (out.length < names.length) {
    const cycle = findCycle(nodes) ?? names.filter((n) => !out.includes(n));
    throw new PlanError(
      'PLAN_CYCLE',
      `dependency cycle between services: ${cycle.join(' -> ')}`,
      'remove one of the depends_on, links, volumes_from or network_mode/ipc/pid "service:" references in the cycle',
    );
  }
  return out;
}

/** A cycle as a closed path (`a -> b -> a`), or null. Deterministic: searched in name order. */
export function findCycle(nodes: Readonly<Record<string, GraphNode>>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of depsOf(nodes, name)) {
      const s = state.get(dep);
      if (s === 'visiting') return [...stack.slice(stack.indexOf(dep)), dep];
      if (s === undefined) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of Object.keys(nodes).sort(compare)) {
    if (state.has(name)) continue;
    const found = visit(name);
    if (found) return found;
  }
  return null;
}

/** `names` and everything they depend on, transitively. */
export function withDependencies(
  nodes: Readonly<Record<string, GraphNode>>,
  names: Iterable<string>,
): Set<string> {
  const out = new Set<string>();
  const visit = (name: string): void => {
    if (out.has(name) || !Object.hasOwn(nodes, name)) return;
    out.add(name);
    for (const dep of depsOf(nodes, name)) visit(dep);
  };
  for (const name of names) visit(name);
  return out;
}

/**
 * Dependents first (the order to stop and remove in): dependencyOrder of the reversed graph, so
 * services ready at the same time still come by name. Throws PLAN_CYCLE like dependencyOrder.
 */
export function reverseDependencyOrder(nodes: Readonly<Record<string, GraphNode>>): string[] {
  const reversed: Record<string, { on: string }[]> = {};
  for (const name of Object.keys(nodes)) reversed[name] = [];
  for (const name of Object.keys(nodes)) {
    for (const dep of depsOf(nodes, name)) reversed[dep]?.push({ on: name });
  }
  return dependencyOrder(
    Object.fromEntries(Object.entries(reversed).map(([k, v]) => [k, { dependencies: v }])),
  );
}

function depsOf(nodes: Readonly<Record<string, GraphNode>>, name: string): string[] {
  const node = nodes[name];
  if (!node) return [];
  return [...new Set(node.dependencies.map((d) => d.on))]
    .filter((d) => Object.hasOwn(nodes, d))
    .sort(compare);
}

/** Code-unit order, independent of locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
