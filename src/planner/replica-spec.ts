import type { ContainerInfo, ContainerSpec } from '../engine/container/types.js';
import { containerName } from './container-name.js';
import { containerSpecFor } from './desired-state.js';
import type { ReplicaDecision } from './diff-containers.js';
import { containerNumberOf, LABEL } from './labels.js';
import type { DesiredService, DesiredState, WaitCondition } from './types.js';

/** What the reconciler waits for before starting a replica: dependencies with containers. */
export function waitConditions(desired: DesiredState, svc: DesiredService): WaitCondition[] {
  return svc.dependencies
    .filter((d) => (desired.services[d.on]?.replicas ?? 0) > 0)
    .map((d) => ({ service: d.on, condition: d.condition, required: d.required }));
}

/**
 * The spec of a replica as the plan creates it: `service:X` references point at X's lowest replica
 * (the one Compose joins), and an image pulled or built by this plan is not pinned to the id known
 * before (the reconciler sets it with `withImage` after the pull).
 */
export function finalSpec(
  desired: DesiredState,
  svc: DesiredService,
  number: number,
  lowestName: (service: string) => string,
  imageChanges: boolean,
): ContainerSpec {
  let spec = containerSpecFor(desired.project, svc, number);
  for (const ref of svc.namespaceRefs) {
    const parent = desired.services[ref.service];
    const first = containerName(desired.project, ref.service, 1, parent?.containerName);
    const target = lowestName(ref.service);
    if (target === first) continue;
    if (ref.kind === 'network_mode') spec = { ...spec, network: { mode: 'container', container: target } };
    else if (ref.kind === 'ipc') spec = { ...spec, ipc: `container:${target}` };
    else if (ref.kind === 'pid') spec = { ...spec, pid: `container:${target}` };
    else if (spec.volumesFrom) {
      spec = {
        ...spec,
        volumesFrom: spec.volumesFrom.map((v) => (v.container === first ? { ...v, container: target } : v)),
      };
    }
  }
  if (imageChanges) {
    const { imageId: _id, imageDigest: _digest, ...rest } = spec;
    const labels = { ...spec.labels };
    delete labels[LABEL.image];
    spec = { ...rest, labels };
  }
  return spec;
}

/** Name of a service's lowest replica after this plan (what `service:X` references join). */
export function lowestReplicaName(
  desired: DesiredState,
  service: string,
  decisions: ReadonlyMap<string, readonly ReplicaDecision[]>,
  byService: ReadonlyMap<string, readonly ContainerInfo[]>,
): string {
  const svc = desired.services[service];
  const numbers = (decisions.get(service) ?? [])
    .filter((d) => d.op !== 'remove' && d.number !== null)
    .map((d) => d.number as number);
  const observedFirst = lowestObserved(byService.get(service));
  const n =
    numbers.length > 0
      ? Math.min(...numbers)
      : observedFirst !== undefined
        ? (containerNumberOf(observedFirst.labels) as number)
        : 1;
  return containerName(desired.project, service, n, svc?.containerName);
}

export function lowestObserved(list: readonly ContainerInfo[] | undefined): ContainerInfo | undefined {
  return list?.find((c) => containerNumberOf(c.labels) !== null);
}
