import type { ContainerInfo, ContainerSpec } from '../engine/container/types.js';
import { CAUSE } from './causes.js';
import { containerResource } from './container-name.js';
import { decideContainers, selectServices } from './converge-decisions.js';
import { dependentRestarts } from './dependent-restarts.js';
import type { ReplicaDecision } from './diff-containers.js';
import { emitImageActions } from './diff-images.js';
import { decideNetworks, emitNetworkActions, networkBlockers } from './diff-networks.js';
import { decideVolumes, emitVolumeActions, volumeBlockers, type VolumeUser } from './diff-volumes.js';
import { dependencyOrder } from './dependency-graph.js';
import { PlanError } from './errors.js';
import { containerNumberOf } from './labels.js';
import { serviceContainers } from './observed-index.js';
import { emitOrphanRemovals, findOrphans, orphanWarning } from './orphans.js';
import { PlanBuilder } from './plan-builder.js';
import { finalSpec, lowestReplicaName, waitConditions } from './replica-spec.js';
import type { DesiredService, DesiredState, ObservedState, Plan, PlanBlocker, PlanOptions } from './types.js';

/**
 * The plan that takes `observed` to `desired` (`up`). Pure. Order of work (docker/compose's
 * reconcile): networks, orphans, volumes, images, then services in dependency order — each
 * service's containers after its networks, volumes, image and the services it depends on. Every
 * action says why. Throws PLAN_CYCLE (no order exists) and PLAN_REFERENCE (unknown service named);
 * everything else that makes the plan inapplicable is a blocker listed in the plan (see
 * `assertApplicable`), so `tscompose plan` can show the whole picture.
 */
export function plan(desired: DesiredState, observed: ObservedState, options: PlanOptions = {}): Plan {
  const order = dependencyOrder(desired.services);
  const { targeted, converge } = selectServices(desired, options);
  const byService = serviceContainers(desired.project, observed.containers);
  const warnings = [...desired.warnings];
  const blockers: PlanBlocker[] = [];
  const unchanged = { containers: [] as string[], networks: [] as string[], volumes: [] as string[] };
  const converged = order.filter((n) => converge.has(n)).map((n) => desired.services[n] as DesiredService);

  const netDecisions = decideNetworks(
    desired,
    observed.networks,
    new Set(converged.flatMap((s) => s.networks)),
  );
  const volDecisions = decideVolumes(
    desired,
    observed.volumes,
    new Set(converged.flatMap((s) => s.volumes)),
    options.assumeYes === true,
  );
  blockers.push(...networkBlockers(netDecisions), ...volumeBlockers(volDecisions));
  const recreatedVolumeNames = new Map<string, string>();
  for (const [key, d] of volDecisions) {
    if (d.op === 'changed') recreatedVolumeNames.set(desired.volumes[key]?.name as string, key);
  }

  const decisions = decideContainers(
    desired,
    order,
    converge,
    targeted,
    byService,
    recreatedVolumeNames,
    options,
  );
  const restarts = dependentRestarts(desired, decisions, byService);
  const restarting = new Set([...restarts.values()].flat().map((r) => r.container.id));
  const orphans = findOrphans(desired, byService);
  if (orphans.length > 0 && options.removeOrphans !== true) warnings.push(orphanWarning(orphans));

  const replaced = new Set<string>();
  for (const list of decisions.values()) {
    for (const d of list) if (d.observed && d.op !== 'keep' && d.op !== 'start') replaced.add(d.observed.id);
  }
  if (options.removeOrphans === true) for (const o of orphans) replaced.add(o.id);

  const b = new PlanBuilder();
  const netIds = emitNetworkActions(
    b,
    desired,
    netDecisions,
    observed.containers,
    replaced,
    unchanged.networks,
  );
  const orphanIds =
    options.removeOrphans === true ? emitOrphanRemovals(b, orphans, true) : new Map<string, number>();
  const usersOf = (volumeName: string): VolumeUser[] =>
    volumeUsers(volumeName, byService, decisions, orphanIds);
  const removedForVolumes = new Map<string, number>();
  const volIds = emitVolumeActions(
    b,
    desired,
    volDecisions,
    usersOf,
    unchanged.volumes,
    blockers,
    removedForVolumes,
  );
  const imageIds = emitImageActions(
    b,
    converged.filter((s) => s.replicas > 0).sort((x, y) => (x.name < y.name ? -1 : 1)),
    options.pull ?? 'policy',
    options.now,
    blockers,
  );

  // Dependents with `restart: true` stop before their dependency is recreated.
  const stopsBefore = new Map<string, number[]>();
  for (const r of [...restarts.values()].flat()) {
    const number = containerNumberOf(r.container.labels);
    const id = b.add({
      kind: 'stop-container',
      resource: containerResource(r.service, number, r.container.name),
      cause: CAUSE.dependencyRecreated(r.dependencies[0] as string),
      service: r.service,
      number,
      container: { containerId: r.container.id, name: r.container.name },
    });
    for (const dep of r.dependencies) stopsBefore.set(dep, [...(stopsBefore.get(dep) ?? []), id]);
  }

  const serviceIds = new Map<string, number[]>();
  const orphanRemovals = [...orphanIds.values()];
  const lowestName = (service: string): string => lowestReplicaName(desired, service, decisions, byService);
  for (const name of order) {
    const svc = desired.services[name] as DesiredService;
    const ids: number[] = [];
    const depIds = svc.dependencies.flatMap((d) => serviceIds.get(d.on) ?? []);
    const netAfter = svc.networks.flatMap((k) => idList(netIds.get(k)));
    const createAfter = [
      ...netAfter,
      ...svc.volumes.flatMap((k) => idList(volIds.get(k))),
      ...idList(imageIds.get(svc.image.ref)),
      ...depIds,
      ...orphanRemovals,
    ];
    const waitFor = options.noDeps === true ? [] : waitConditions(desired, svc);
    const specFor = (number: number): ContainerSpec =>
      finalSpec(desired, svc, number, lowestName, imageIds.has(svc.image.ref));
    const start = options.noStart !== true;
    for (const d of decisions.get(name) ?? []) {
      const resource = containerResource(name, d.number, d.observed?.name ?? '');
      const number = d.number ?? 0;
      switch (d.op) {
        case 'keep':
          if (!restarting.has(d.observed?.id ?? '')) unchanged.containers.push(resource);
          break;
        case 'remove': {
          const c = d.observed as ContainerInfo;
          if (removedForVolumes.has(c.id)) break; // already removed before its volume was recreated
          ids.push(
            b.add({
              kind: 'remove-container',
              resource,
              cause: d.cause,
              service: name,
              number: d.number,
              container: { containerId: c.id, name: c.name },
              removeAnonymousVolumes: true,
            }),
          );
          break;
        }
        case 'create':
        case 'replace':
          // A `replace` was removed in the volume phase; its replacement is created here.
          ids.push(
            b.add(
              {
                kind: 'create-container',
                resource,
                cause: d.cause,
                service: name,
                number,
                spec: specFor(number),
                start,
                waitFor,
              },
              createAfter,
            ),
          );
          break;
        case 'recreate': {
          const c = d.observed as ContainerInfo;
          const spec = specFor(number);
          const keepStopped = options.trigger === 'watch' && c.desiredState === 'stopped';
          ids.push(
            b.add(
              {
                kind: 'recreate-container',
                resource,
                cause: d.cause,
                service: name,
                number,
                spec:
                  options.renewAnonVolumes === true ? spec : { ...spec, inheritAnonymousVolumesFrom: c.id },
                replaces: { containerId: c.id, name: c.name },
                start: start && !keepStopped,
                waitFor,
              },
              [...createAfter, ...(stopsBefore.get(name) ?? [])],
            ),
          );
          break;
        }
        case 'start': {
          const c = d.observed as ContainerInfo;
          ids.push(
            b.add(
              {
                kind: 'start-container',
                resource,
                cause: d.cause,
                service: name,
                number: d.number,
                container: { containerId: c.id, name: c.name },
                waitFor,
              },
              [...netAfter, ...depIds],
            ),
          );
          break;
        }
        default: {
          const never: never = d.op;
          throw new Error(`unexpected replica op ${String(never)}`);
        }
      }
    }
    for (const r of restarts.get(name) ?? []) {
      const number = containerNumberOf(r.container.labels);
      ids.push(
        b.add(
          {
            kind: 'start-container',
            resource: containerResource(name, number, r.container.name),
            cause: CAUSE.dependencyRecreated(r.dependencies[0] as string),
            service: name,
            number,
            container: { containerId: r.container.id, name: r.container.name },
            waitFor,
          },
          depIds,
        ),
      );
    }
    serviceIds.set(name, ids);
  }
  return { project: desired.project, actions: b.build(), blockers, warnings, unchanged };
}

/** Throws a PlanError for the plan's blockers (all of them in the message, the first one's code). */
export function assertApplicable(p: Plan): void {
  const first = p.blockers[0];
  if (first === undefined) return;
  const message = p.blockers.map((x) => `${x.resource}: ${x.message}`).join('; ');
  throw new PlanError(first.code, message, first.hint);
}

/** Who mounts a volume about to be recreated, and how the plan disposes of each. */
function volumeUsers(
  volumeName: string,
  byService: ReadonlyMap<string, readonly ContainerInfo[]>,
  decisions: ReadonlyMap<string, readonly ReplicaDecision[]>,
  orphanIds: ReadonlyMap<string, number>,
): VolumeUser[] {
  const out: VolumeUser[] = [];
  for (const [service, list] of byService) {
    for (const c of list) {
      if (!c.mounts.some((m) => m.type === 'volume' && (m.volumeName ?? m.source) === volumeName)) continue;
      const number = containerNumberOf(c.labels);
      const orphanActionId = orphanIds.get(c.id);
      const d = decisions.get(service)?.find((x) => x.observed?.id === c.id);
      if (orphanActionId !== undefined)
        out.push({ container: c, service, number, disposal: 'orphan', orphanActionId });
      else if (d?.op === 'replace') out.push({ container: c, service, number, disposal: 'replace' });
      else if (d?.op === 'remove') out.push({ container: c, service, number, disposal: 'replace' });
      else out.push({ container: c, service, number, disposal: 'unmanaged' });
    }
  }
  return out;
}

function idList(id: number | undefined): number[] {
  return id === undefined ? [] : [id];
}
