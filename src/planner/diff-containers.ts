import type { ContainerInfo } from '../engine/container/types.js';
import { CAUSE } from './causes.js';
import { containerName } from './container-name.js';
import { containerNumberOf, LABEL } from './labels.js';
import { explainChange } from './resource-decision.js';
import type { DesiredService, NamespaceRef, RecreateStrategy } from './types.js';

/**
 * What happens to one replica:
 * - `keep`: up to date, left as it is (counted as unchanged);
 * - `start`: up to date but not running, and this trigger starts it;
 * - `create`: a new replica (missing, scale up);
 * - `recreate`: replaced by a new container (config, image, cascade, …);
 * - `replace`: removed before its volume is recreated, then created again;
 * - `remove`: scale down, duplicates, containers without a number.
 */
export type ReplicaOp = 'keep' | 'start' | 'create' | 'recreate' | 'replace' | 'remove';

export interface ReplicaDecision {
  readonly op: ReplicaOp;
  /** Null for an observed container without a valid container-number label. */
  readonly number: number | null;
  readonly observed: ContainerInfo | null;
  readonly cause: string;
}

export interface ServiceDecideContext {
  readonly project: string;
  readonly strategy: RecreateStrategy;
  /** Cause written for `force` (`forced (--force-recreate)`, `forced (--always-recreate-deps)`). */
  readonly forcedCause: string;
  readonly trigger: 'up' | 'watch';
  readonly noStart: boolean;
  /** A namespace/volume parent this plan replaces (cascade), if any. */
  readonly replacedParent: NamespaceRef | null;
  /** The live container id of a namespace parent (its lowest replica), to detect stale references. */
  readonly parentContainerId: (ref: NamespaceRef) => string | undefined;
  /** Key of a volume of this service that the plan recreates (with -y), if any. */
  readonly recreatedVolume: string | null;
}

/** Emission order of the ops within a service: scale down first, then replacements, then new ones. */
const OP_ORDER: Record<ReplicaOp, number> = {
  remove: 0,
  replace: 1,
  recreate: 2,
  start: 3,
  create: 4,
  keep: 5,
};

/**
 * Decides each replica of a service (docker/compose's convergence, with the rules in the docs):
 * 1. containers without a valid number, and duplicates of a number, are removed (the one kept is
 *    the best match: desired name, up-to-date hash, running, oldest);
 * 2. above the replica count, the highest numbers are removed (`scale 3→1`): the lowest are kept;
 * 3. each kept replica is checked (mustRecreate) and, if up to date, started when the trigger says so;
 * 4. below the replica count, new replicas are numbered from max(existing) + 1.
 */
export function decideService(
  service: DesiredService,
  containers: readonly ContainerInfo[],
  ctx: ServiceDecideContext,
): ReplicaDecision[] {
  const out: ReplicaDecision[] = [];
  const byNumber = new Map<number, ContainerInfo[]>();
  for (const c of containers) {
    const n = containerNumberOf(c.labels);
    if (n === null) out.push({ op: 'remove', number: null, observed: c, cause: CAUSE.noNumber });
    else byNumber.set(n, [...(byNumber.get(n) ?? []), c]);
  }
  const numbers = [...byNumber.keys()].sort((a, b) => a - b);
  const kept: { number: number; container: ContainerInfo }[] = [];
  for (const n of numbers) {
    const [keeper, ...duplicates] = [...(byNumber.get(n) as ContainerInfo[])].sort((a, b) =>
      keeperRank(service, ctx.project, n, a, b),
    );
    kept.push({ number: n, container: keeper as ContainerInfo });
    for (const d of duplicates) out.push({ op: 'remove', number: n, observed: d, cause: CAUSE.duplicate(n) });
  }
  const wanted = service.replicas;
  for (const { number, container } of kept.slice(wanted)) {
    out.push({ op: 'remove', number, observed: container, cause: CAUSE.scale(kept.length, wanted) });
  }
  const staying = kept.slice(0, wanted);
  for (const { number, container } of staying) out.push(decideReplica(service, number, container, ctx));
  const next = (numbers.length > 0 ? Math.max(...numbers) : 0) + 1;
  for (let i = 0; i < wanted - staying.length; i++) {
    const cause = staying.length === 0 ? CAUSE.missing : CAUSE.scale(staying.length, wanted);
    out.push({ op: 'create', number: next + i, observed: null, cause });
  }
  return out.sort(
    (a, b) => OP_ORDER[a.op] - OP_ORDER[b.op] || (a.number ?? Infinity) - (b.number ?? Infinity),
  );
}

/** One kept replica: recreate (and why), start, or keep. */
function decideReplica(
  service: DesiredService,
  number: number,
  c: ContainerInfo,
  ctx: ServiceDecideContext,
): ReplicaDecision {
  const decision = (op: ReplicaOp, cause: string): ReplicaDecision => ({ op, number, observed: c, cause });
  if (ctx.recreatedVolume !== null) return decision('replace', CAUSE.volumeRecreated(ctx.recreatedVolume));
  if (c.state === 'dead' || c.state === 'removing') return decision('recreate', CAUSE.state(c.state));
  if (ctx.strategy === 'force') return decision('recreate', ctx.forcedCause);
  if (ctx.strategy === 'diverged') {
    const cause = divergence(service, number, c, ctx);
    if (cause !== null) return decision('recreate', cause);
  }
  if (ctx.noStart) return decision('keep', '');
  switch (c.state) {
    case 'running':
    case 'restarting':
    case 'paused':
      return decision('keep', '');
    case 'created':
      // watch: a replacement created for a container the user stopped carries that intent and
      // stays created; `up` starts it (and sets the intent back to running).
      return ctx.trigger !== 'up' && c.desiredState === 'stopped'
        ? decision('keep', '')
        : decision('start', CAUSE.notStarted);
    case 'exited':
      if (ctx.trigger === 'up') {
        // `up` starts what a stop left stopped; a container that exited on its own (a finished
        // job) is left as it is, as Compose does.
        return c.desiredState === 'stopped' || c.manuallyStopped
          ? decision('start', CAUSE.stopped)
          : decision('keep', '');
      }
      // watch: a project-level stop is intent; a stop behind tscompose's back is drift.
      return c.desiredState === 'running' && c.manuallyStopped
        ? decision('start', CAUSE.stoppedOutside)
        : decision('keep', '');
    default: {
      const never: never = c.state;
      throw new Error(`unexpected container state ${String(never)}`);
    }
  }
}

/** Why an up-to-date-looking container must be recreated (`diverged` strategy), or null. */
function divergence(
  service: DesiredService,
  number: number,
  c: ContainerInfo,
  ctx: ServiceDecideContext,
): string | null {
  if (ctx.replacedParent !== null) return CAUSE.parentRecreated(ctx.replacedParent);
  if (c.labels[LABEL.configHash] !== service.configHash) {
    return CAUSE.configChanged(explainChange(c.spec.configRecord, service.configRecord));
  }
  const facts = service.image.facts;
  if (facts !== null && c.imageId !== '' && c.imageId !== facts.id)
    return CAUSE.imageUpdated(c.imageId, facts.id);
  const name = containerName(ctx.project, service.name, number, service.containerName);
  if (c.name !== name) return CAUSE.nameChanged(c.name, name);
  if (c.state === 'running' && service.template.network.mode === 'bridge') {
    const attached = new Set(c.networks.map((n) => n.network));
    const missing = service.template.network.networks.find((n) => !attached.has(n.network));
    if (missing) return CAUSE.networkNotAttached(missing.network);
  }
  const mounted = new Set(c.mounts.filter((m) => m.type === 'volume').map((m) => m.volumeName ?? m.source));
  for (const m of service.template.mounts) {
    if (m.type === 'volume' && m.source !== null && !mounted.has(m.source))
      return CAUSE.volumeNotMounted(m.source);
  }
  for (const ref of service.namespaceRefs) {
    const live = ctx.parentContainerId(ref);
    if (live === undefined) continue;
    const owners = c.namespaceOwners;
    const held =
      ref.kind === 'volumes_from'
        ? owners.volumesFrom
        : [ref.kind === 'network_mode' ? owners.network : owners[ref.kind]].filter(isString);
    if (held !== undefined && held.length > 0 && !held.includes(live)) return CAUSE.parentRecreated(ref);
  }
  return null;
}

/** Order of preference among containers carrying the same number: the first is kept. */
function keeperRank(
  service: DesiredService,
  project: string,
  n: number,
  a: ContainerInfo,
  b: ContainerInfo,
): number {
  const name = containerName(project, service.name, n, service.containerName);
  const score = (c: ContainerInfo): number[] => [
    c.name === name ? 0 : 1,
    c.labels[LABEL.configHash] === service.configHash ? 0 : 1,
    c.state === 'running' ? 0 : 1,
  ];
  const sa = score(a);
  const sb = score(b);
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return (sa[i] as number) - (sb[i] as number);
  return a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : 1;
}

function isString(v: string | undefined): v is string {
  return v !== undefined;
}
