import { writeFile } from 'node:fs/promises';
import { EngineError } from '../errors.js';
import type { ContainerContext } from './container-context.js';
import type { ContainerRecord } from './container-record.js';
import { applyDnsOverrides } from './host-files.js';
import type { ContainerEndpointSpec, ContainerSpec } from './types.js';

type BridgeNetworking = Extract<ContainerSpec['network'], { mode: 'bridge' }>;

function bridgeOf(r: ContainerRecord, op: string): BridgeNetworking {
  if (r.spec.network.mode !== 'bridge' || !r.netnsPath) {
    throw new EngineError(
      'CONTAINER_NETWORK_MODE',
      `container ${r.name}: cannot ${op}: it uses network mode ${r.spec.network.mode}`,
      'only containers on bridge networks can be connected to or disconnected from networks',
    );
  }
  return r.spec.network;
}

/** Rewrites the container's resolv.conf after its set of networks changed (gateways serve DNS). */
async function refreshResolvConf(ctx: ContainerContext, r: ContainerRecord): Promise<void> {
  const net = await ctx.networks();
  const text = applyDnsOverrides(await net.resolvConf(r.id), {
    ...(r.spec.dns ? { dns: r.spec.dns } : {}),
    ...(r.spec.dnsSearch ? { dnsSearch: r.spec.dnsSearch } : {}),
    ...(r.spec.dnsOptions ? { dnsOptions: r.spec.dnsOptions } : {}),
  });
  await writeFile(ctx.store.pathsOf(r.id).resolvConf, text, { mode: 0o644 });
}

/**
 * Connects a container (running or not) to one more network: an endpoint in its netns, its DNS
 * names there, and the network kept in its spec so a reconnect after a reboot brings it back.
 */
export async function connectContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  endpoint: ContainerEndpointSpec,
  signal?: AbortSignal,
): Promise<ContainerRecord> {
  const bridge = bridgeOf(r, `connect to ${endpoint.network}`);
  const net = await ctx.networks();
  const info = await net.connect(
    endpoint.network,
    {
      containerId: r.id,
      containerName: r.name,
      netnsPath: r.netnsPath!,
      ...(endpoint.aliases ? { aliases: endpoint.aliases } : {}),
      ...(endpoint.ipv4Address ? { ipv4Address: endpoint.ipv4Address } : {}),
      ...(endpoint.macAddress ? { macAddress: endpoint.macAddress } : {}),
    },
    { signal },
  );
  const others = bridge.networks.filter(
    (n) => n.network !== info.networkName && n.network !== endpoint.network,
  );
  const next: ContainerRecord = {
    ...r,
    spec: {
      ...r.spec,
      network: { mode: 'bridge', networks: [...others, { ...endpoint, network: info.networkName }] },
    },
    networks: [...r.networks.filter((n) => n !== info.networkName), info.networkName],
  };
  await ctx.store.write(next);
  await refreshResolvConf(ctx, next);
  return next;
}

/** Disconnects a container from a network (its interface, address and names there go). */
export async function disconnectContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  network: string,
  signal?: AbortSignal,
): Promise<ContainerRecord> {
  const bridge = bridgeOf(r, `disconnect from ${network}`);
  const net = await ctx.networks();
  const name = (await net.inspect(network)).name;
  await net.disconnect(name, r.id, { signal });
  const next: ContainerRecord = {
    ...r,
    spec: {
      ...r.spec,
      network: {
        mode: 'bridge',
        networks: bridge.networks.filter((n) => n.network !== name && n.network !== network),
      },
    },
    networks: r.networks.filter((n) => n !== name),
  };
  await ctx.store.write(next);
  await refreshResolvConf(ctx, next);
  return next;
}

/** After a rename: the container's endpoints carry its new name (DNS answers it at once). */
export async function renameEndpoints(
  ctx: ContainerContext,
  r: ContainerRecord,
  signal?: AbortSignal,
): Promise<void> {
  if (r.spec.network.mode !== 'bridge' || !r.netnsPath || r.networks.length === 0) return;
  const net = await ctx.networks();
  for (const ep of r.spec.network.networks) {
    if (!r.networks.includes(ep.network)) continue;
    await net.connect(
      ep.network,
      {
        containerId: r.id,
        containerName: r.name,
        netnsPath: r.netnsPath,
        ...(ep.aliases ? { aliases: ep.aliases } : {}),
      },
      { signal },
    );
  }
}
