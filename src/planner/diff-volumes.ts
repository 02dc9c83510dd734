import type { ContainerInfo } from '../engine/container/types.js';
import type { VolumeInfo } from '../engine/volume/types.js';
import { CAUSE } from './causes.js';
import { containerResource } from './container-name.js';
import type { PlanBuilder } from './plan-builder.js';
import { decideResource, type ResourceDecision } from './resource-decision.js';
import type { DesiredState, PlanBlocker } from './types.js';

export type VolumeDecision = ResourceDecision<VolumeInfo>;

/**
 * What each volume the converged services use needs. A changed definition is never applied
 * silently: recreating a volume deletes its data, so without `-y` (assumeYes) it is a blocker
 * naming the volume and the changed fields (Compose asks interactively; we refuse and say how).
 */
export function decideVolumes(
  desired: DesiredState,
  observed: readonly VolumeInfo[],
  used: ReadonlySet<string>,
  assumeYes: boolean,
): Map<string, VolumeDecision> {
  const out = new Map<string, VolumeDecision>();
  for (const key of [...used].sort()) {
    const volume = desired.volumes[key];
    if (!volume) continue;
    const decision = decideResource('volume', desired.project, volume, observed);
    if (decision.op === 'changed' && !assumeYes) {
      const what = decision.paths.length > 0 ? ` (${decision.paths.join(', ')})` : '';
      out.set(key, {
        op: 'blocked',
        blocker: {
          code: 'PLAN_VOLUME_CHANGED',
          resource: `volume:${key}`,
          message: `volume ${volume.name}: definition changed${what}; recreating it deletes its data`,
          hint: 'run again with -y to recreate it, or restore its previous definition',
        },
      });
    } else out.set(key, decision);
  }
  return out;
}

/** A container mounting a volume that is to be recreated, and how the plan disposes of it. */
export interface VolumeUser {
  readonly container: ContainerInfo;
  readonly service: string;
  readonly number: number | null;
  /**
   * `replace`: a replica of a converged service, removed here and created again after the volume;
   * `orphan`: removed by the orphan action `orphanActionId`; `unmanaged`: not part of this run.
   */
  readonly disposal: 'replace' | 'orphan' | 'unmanaged';
  readonly orphanActionId?: number;
}

/**
 * Emits create/recreate actions for volumes. Recreating one (with -y) follows Compose: remove the
 * containers that mount it, remove and create the volume, then (in the service phase) create the
 * replacement containers. Returns action ids by key; blockers for volumes in use by containers
 * this run does not manage. `removals` receives the container removals emitted (by container id).
 */
export function emitVolumeActions(
  builder: PlanBuilder,
  desired: DesiredState,
  decisions: ReadonlyMap<string, VolumeDecision>,
  usersOf: (volumeName: string) => readonly VolumeUser[],
  unchanged: string[],
  blockers: PlanBlocker[],
  removals: Map<string, number>,
): Map<string, number> {
  const ids = new Map<string, number>();
  for (const [key, decision] of decisions) {
    const volume = desired.volumes[key];
    const resource = `volume:${key}`;
    if (!volume?.spec) continue;
    switch (decision.op) {
      case 'create':
        ids.set(
          key,
          builder.add({ kind: 'create-volume', resource, cause: decision.cause, volume: volume.spec }),
        );
        break;
      case 'changed': {
        const users = usersOf(volume.name);
        const unmanaged = users.filter((u) => u.disposal === 'unmanaged');
        if (unmanaged.length > 0) {
          blockers.push({
            code: 'PLAN_VOLUME_IN_USE',
            resource,
            message: `volume ${volume.name} is used by ${unmanaged.map((u) => u.container.name).join(', ')}, which this run does not manage`,
            hint: 'include their services in the run, or remove those containers first',
          });
          break;
        }
        const after: number[] = [];
        for (const user of users) {
          if (user.disposal === 'orphan' && user.orphanActionId !== undefined)
            after.push(user.orphanActionId);
          if (user.disposal !== 'replace') continue;
          let id = removals.get(user.container.id);
          if (id === undefined) {
            id = builder.add({
              kind: 'remove-container',
              resource: containerResource(user.service, user.number, user.container.name),
              cause: CAUSE.volumeRecreated(key),
              service: user.service,
              number: user.number,
              container: { containerId: user.container.id, name: user.container.name },
              removeAnonymousVolumes: true,
            });
            removals.set(user.container.id, id);
          }
          after.push(id);
        }
        ids.set(
          key,
          builder.add(
            { kind: 'recreate-volume', resource, cause: decision.cause, volume: volume.spec },
            after,
          ),
        );
        break;
      }
      case 'unchanged':
        unchanged.push(resource);
        break;
      case 'external':
      case 'blocked':
        break;
      default: {
        const never: never = decision;
        throw new Error(`unexpected volume decision ${JSON.stringify(never)}`);
      }
    }
  }
  return ids;
}

/** Blockers among volume decisions. */
export function volumeBlockers(decisions: ReadonlyMap<string, VolumeDecision>): PlanBlocker[] {
  return [...decisions.values()].flatMap((d) => (d.op === 'blocked' ? [d.blocker] : []));
}
