import type { ContainerInfo } from '../engine/container/types.js';
import { CAUSE } from './causes.js';
import { decideService, type ReplicaDecision } from './diff-containers.js';
import { withDependencies } from './dependency-graph.js';
import { PlanError } from './errors.js';
import { lowestObserved } from './replica-spec.js';
import type { DesiredService, DesiredState, NamespaceRef, PlanOptions } from './types.js';

/** Services named (targeted) and the services to converge (those plus dependencies unless --no-deps). */
export function selectServices(
  desired: DesiredState,
  options: PlanOptions,
): { targeted: Set<string>; converge: Set<string> } {
  const names = options.services ?? [];
  for (const name of names) {
    if (Object.hasOwn(desired.services, name)) continue;
    const disabled = desired.disabledServices.includes(name);
    throw new PlanError(
      'PLAN_REFERENCE',
      disabled ? `service ${name} is not active with the selected profiles` : `no such service: ${name}`,
      disabled ? 'enable one of its profiles (--profile)' : undefined,
    );
  }
  const targeted = new Set(names.length > 0 ? names : Object.keys(desired.services));
  const converge = options.noDeps === true ? targeted : withDependencies(desired.services, targeted);
  return { targeted, converge };
}

/** Per converged service (dependencies first, so cascades see their parents' decisions). */
export function decideContainers(
  desired: DesiredState,
  order: readonly string[],
  converge: ReadonlySet<string>,
  targeted: ReadonlySet<string>,
  byService: ReadonlyMap<string, readonly ContainerInfo[]>,
  recreatedVolumeNames: ReadonlyMap<string, string>,
  options: PlanOptions,
): Map<string, ReplicaDecision[]> {
  const decisions = new Map<string, ReplicaDecision[]>();
  for (const name of order) {
    if (!converge.has(name)) continue;
    const svc = desired.services[name] as DesiredService;
    const isTarget = targeted.has(name);
    const replacedParent =
      svc.namespaceRefs.find((ref) => joinedReplicaReplaced(decisions.get(ref.service))) ?? null;
    const desiredVolume =
      svc.volumes.find((k) => recreatedVolumeNames.has(desired.volumes[k]?.name ?? '')) ?? null;
    const list = byService.get(name) ?? [];
    // A container mounting a recreated volume (even one its service no longer declares) must go first.
    const observedVolume =
      list
        .flatMap((c) => c.mounts)
        .map((m) => recreatedVolumeNames.get(m.volumeName ?? m.source))
        .find((k) => k !== undefined) ?? null;
    decisions.set(
      name,
      decideService(svc, list, {
        project: desired.project,
        strategy: isTarget
          ? (options.recreate ?? 'diverged')
          : options.alwaysRecreateDeps === true
            ? 'force'
            : 'diverged',
        forcedCause: CAUSE.forced(isTarget ? '--force-recreate' : '--always-recreate-deps'),
        trigger: options.trigger ?? 'up',
        noStart: options.noStart === true,
        replacedParent,
        parentContainerId: (ref: NamespaceRef) => lowestObserved(byService.get(ref.service))?.id,
        recreatedVolume: desiredVolume ?? observedVolume,
      }),
    );
  }
  return decisions;
}

/**
 * Whether the plan gives a service's lowest replica — the one `service:X` references join — a new
 * container. Other replicas (a scale up) do not concern the children.
 */
export function joinedReplicaReplaced(decisions: readonly ReplicaDecision[] | undefined): boolean {
  const live = (decisions ?? [])
    .filter((d) => d.op !== 'remove' && d.number !== null)
    .sort((a, b) => (a.number as number) - (b.number as number))[0];
  return live !== undefined && (live.op === 'recreate' || live.op === 'replace' || live.op === 'create');
}
