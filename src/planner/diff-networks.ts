import type { ContainerInfo } from '../engine/container/types.js';
import type { NetworkInfo } from '../engine/network/types.js';
import type { PlanBuilder } from './plan-builder.js';
import { decideResource, type ResourceDecision } from './resource-decision.js';
import type { AttachedContainer, DesiredState, PlanBlocker } from './types.js';

export type NetworkDecision = ResourceDecision<NetworkInfo>;

/** What each network the converged services use needs (see decideResource). */
export function decideNetworks(
  desired: DesiredState,
  observed: readonly NetworkInfo[],
  used: ReadonlySet<string>,
): Map<string, NetworkDecision> {
  const out = new Map<string, NetworkDecision>();
  for (const key of [...used].sort()) {
    const network = desired.networks[key];
    if (network) out.set(key, decideResource('network', desired.project, network, observed));
  }
  return out;
}

/**
 * Emits create/recreate actions for networks. A changed network is recreated in place, as Compose
 * does: its attached containers are stopped and disconnected, the network removed and created
 * again, and the containers reconnected and restarted — they are not recreated (unless the plan
 * replaces them for another reason: then they are not reconnected). Returns action ids by key.
 */
export function emitNetworkActions(
  builder: PlanBuilder,
  desired: DesiredState,
  decisions: ReadonlyMap<string, NetworkDecision>,
  containers: readonly ContainerInfo[],
  replaced: ReadonlySet<string>,
  unchanged: string[],
): Map<string, number> {
  const ids = new Map<string, number>();
  for (const [key, decision] of decisions) {
    const spec = desired.networks[key]?.spec;
    const resource = `network:${key}`;
    switch (decision.op) {
      case 'create':
        if (spec)
          ids.set(
            key,
            builder.add({ kind: 'create-network', resource, cause: decision.cause, network: spec }),
          );
        break;
      case 'changed': {
        if (!spec) break;
        const attached: AttachedContainer[] = decision.observed.endpoints.map((e) => {
          const c = containers.find((x) => x.id === e.containerId);
          return {
            containerId: e.containerId,
            name: e.containerName,
            reconnect: !replaced.has(e.containerId),
            restart: !replaced.has(e.containerId) && c?.state === 'running',
          };
        });
        ids.set(
          key,
          builder.add({
            kind: 'recreate-network',
            resource,
            cause: decision.cause,
            network: spec,
            networkId: decision.observed.id,
            attached,
          }),
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
        throw new Error(`unexpected network decision ${JSON.stringify(never)}`);
      }
    }
  }
  return ids;
}

/** Blockers among network decisions. */
export function networkBlockers(decisions: ReadonlyMap<string, NetworkDecision>): PlanBlocker[] {
  return [...decisions.values()].flatMap((d) => (d.op === 'blocked' ? [d.blocker] : []));
}
