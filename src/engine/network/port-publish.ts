import { EngineError } from '../errors.js';
import { flushUdpConntrack } from './conntrack.js';
import { converge, type NetworkContext } from './network-converge.js';
import { resolvePorts } from './port-allocator.js';
import { localPortRange, probeHostPort } from './port-probe.js';
import type { OpOptions, PortBindingSpec, PublishedPort } from './types.js';

/**
 * Publishing a container's ports: resolved against every port the root publishes and the host's
 * listeners, stored on one of its endpoints (the DNAT target), then the nft table is rewritten
 * and stale UDP flows to the new ports forgotten. The caller holds the engine lock.
 */
export async function publishPorts(
  ctx: NetworkContext,
  containerId: string,
  bindings: readonly PortBindingSpec[],
  o: OpOptions & { readonly network?: string },
): Promise<PublishedPort[]> {
  const all = await ctx.store.list();
  const mine = all.filter((r) => r.endpoints.some((e) => e.containerId === containerId));
  const target =
    o.network !== undefined
      ? mine.find((r) => r.name === o.network || r.id === o.network)
      : (mine.find((r) => r.endpoints.some((e) => e.containerId === containerId && e.isDefaultRoute)) ??
        mine[0]);
  if (!target) {
    throw new EngineError(
      'NETWORK_ENDPOINT_NOT_FOUND',
      `container ${containerId} is not connected to ${o.network !== undefined ? `network ${o.network}` : 'any network'}`,
      'connect it to a network before publishing ports',
    );
  }
  const ep = target.endpoints.find((e) => e.containerId === containerId)!;
  const ports = await resolvePorts({
    bindings,
    taken: all.flatMap((r) =>
      r.endpoints
        .filter((e) => e.containerId !== containerId)
        .flatMap((e) => e.ports.map((p) => ({ ...p, containerId: e.containerName }))),
    ),
    localPortRange: await localPortRange(),
    probe: probeHostPort,
    random: ctx.random,
    containerName: ep.containerName,
  });
  for (const r of mine) {
    await ctx.store.write({
      ...r,
      endpoints: r.endpoints.map((e) =>
        e.containerId === containerId ? { ...e, ports: r.name === target.name ? ports : [] } : e,
      ),
    });
  }
  if (target.internal && ports.length > 0) {
    ctx.warn(`network ${target.name} is internal: the ports of ${ep.containerName} are not reachable`);
  }
  // The table must hold the new rules before stale flows are forgotten.
  await converge(ctx, o);
  if (!(await flushUdpConntrack(ports, o))) {
    ctx.logger.debug('conntrack tool missing: UDP flows to new ports not flushed');
  }
  return ports;
}

/** Withdraws all of a container's published ports (the caller converges). */
export async function unpublishPorts(ctx: NetworkContext, containerId: string): Promise<void> {
  for (const r of await ctx.store.list()) {
    if (!r.endpoints.some((e) => e.containerId === containerId && e.ports.length > 0)) continue;
    await ctx.store.write({
      ...r,
      endpoints: r.endpoints.map((e) => (e.containerId === containerId ? { ...e, ports: [] } : e)),
    });
  }
}
