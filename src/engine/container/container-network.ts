import { readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { EndpointInfo, PublishedPort } from '../network/types.js';
import type { ContainerContext } from './container-context.js';
import type { ContainerPaths, ContainerRecord } from './container-record.js';
import { applyDnsOverrides, renderHosts } from './host-files.js';
import type { ContainerSpec } from './types.js';

export interface AttachResult {
  readonly netnsPath?: string;
  readonly networks: readonly string[];
  readonly ports: readonly PublishedPort[];
  readonly endpoints: readonly EndpointInfo[];
}

/** Endpoints in attach order: the highest `gwPriority` first (it gets the default route), then as listed. */
function attachOrder(spec: ContainerSpec): Extract<ContainerSpec['network'], { mode: 'bridge' }>['networks'] {
  if (spec.network.mode !== 'bridge') return [];
  return [...spec.network.networks]
    .map((n, i) => ({ n, i }))
    .sort((a, b) => (b.n.gwPriority ?? 0) - (a.n.gwPriority ?? 0) || a.i - b.i)
    .map((x) => x.n);
}

/**
 * Gives a new container its network (docs/networking.md, "the calls, in order"): bridge = a
 * netns of its own made by the engine, one endpoint per network, then its published ports;
 * none = a netns with loopback only; host and container:X = nothing of its own.
 */
export async function attachNetworks(
  ctx: ContainerContext,
  id: string,
  spec: ContainerSpec,
  onNetns: (path: string) => Promise<void>,
  signal?: AbortSignal,
): Promise<AttachResult> {
  if (spec.network.mode !== 'bridge' && spec.network.mode !== 'none')
    return { networks: [], ports: [], endpoints: [] };
  const net = await ctx.networks();
  const netnsPath = await net.createNetns(id, { signal });
  await onNetns(netnsPath);
  const endpoints: EndpointInfo[] = [];
  for (const ep of attachOrder(spec)) {
    if (ep.interfaceName)
      ctx.warn(
        `container ${spec.name}: interface_name ${ep.interfaceName} is not supported yet; interfaces are named eth0, eth1, …`,
      );
    endpoints.push(
      await net.connect(
        ep.network,
        {
          containerId: id,
          containerName: spec.name,
          netnsPath,
          ...(ep.aliases ? { aliases: ep.aliases } : {}),
          ...(ep.ipv4Address ? { ipv4Address: ep.ipv4Address } : {}),
          ...(ep.macAddress ? { macAddress: ep.macAddress } : {}),
        },
        { signal },
      ),
    );
  }
  let ports: PublishedPort[] = [];
  if (spec.ports.length > 0) {
    if (endpoints.length === 0)
      ctx.warn(`container ${spec.name}: ports are published only on a network; none is attached`);
    else ports = await net.publish(id, spec.ports, { signal });
  }
  return { netnsPath, networks: endpoints.map((e) => e.networkName), ports, endpoints };
}

/**
 * Writes /etc/hosts, /etc/hostname and /etc/resolv.conf for the container (bind-mounted from its
 * directory). The resolver is its networks' DNS responder (or, without one, the host's servers),
 * with the spec's dns/dns_search/dns_opt applied; with host networking, the host's own files.
 */
export async function writeEtcFiles(
  ctx: ContainerContext,
  p: ContainerPaths,
  id: string,
  spec: ContainerSpec,
  hostName: string,
  endpoints: readonly EndpointInfo[],
): Promise<void> {
  let resolv: string;
  let hosts: string;
  if (spec.network.mode === 'host') {
    resolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
    hosts = await readFile('/etc/hosts', 'utf8').catch(() => renderHosts({ hostname: hostName }));
    if (!hosts.endsWith('\n')) hosts += '\n';
    for (const h of spec.extraHosts ?? []) if (h.ip !== 'host-gateway') hosts += `${h.ip}\t${h.hostname}\n`;
  } else {
    resolv = await (await ctx.networks()).resolvConf(id);
    const primary = endpoints.find((e) => e.isDefaultRoute) ?? endpoints[0];
    hosts = renderHosts({
      hostname: hostName,
      ...(spec.domainname ? { domainname: spec.domainname } : {}),
      ...(primary ? { address: primary.ipv4Address, hostGateway: primary.gateway } : {}),
      ...(spec.extraHosts ? { extraHosts: spec.extraHosts } : {}),
    });
  }
  resolv = applyDnsOverrides(resolv, {
    ...(spec.dns ? { dns: spec.dns } : {}),
    ...(spec.dnsSearch ? { dnsSearch: spec.dnsSearch } : {}),
    ...(spec.dnsOptions ? { dnsOptions: spec.dnsOptions } : {}),
  });
  await writeFile(p.resolvConf, resolv, { mode: 0o644 });
  await writeFile(p.hosts, hosts, { mode: 0o644 });
  await writeFile(p.hostname, `${hostName}\n`, { mode: 0o644 });
}

/** The host's own name (the default hostname of host-network containers, as Docker). */
export function hostHostname(): string {
  return hostname();
}

/**
 * Before a start: a netns the engine keeps can be gone after a reboot (`/run` is a tmpfs): make
 * it again and plug the recorded endpoints back in (same addresses and MACs), then the ports.
 */
export async function ensureNetworks(
  ctx: ContainerContext,
  r: ContainerRecord,
  signal?: AbortSignal,
): Promise<void> {
  if ((r.networkMode !== 'bridge' && r.networkMode !== 'none') || !r.netnsPath) return;
  try {
    await stat(r.netnsPath);
    return;
  } catch {
    // Gone: rebuilt below.
  }
  const net = await ctx.networks();
  await net.createNetns(r.id, { signal });
  if (r.spec.network.mode !== 'bridge') return;
  for (const ep of attachOrder(r.spec)) {
    await net.connect(
      ep.network,
      {
        containerId: r.id,
        containerName: r.name,
        netnsPath: r.netnsPath,
        ...(ep.aliases ? { aliases: ep.aliases } : {}),
        ...(ep.ipv4Address ? { ipv4Address: ep.ipv4Address } : {}),
        ...(ep.macAddress ? { macAddress: ep.macAddress } : {}),
      },
      { signal },
    );
  }
  if (r.spec.ports.length > 0) await net.publish(r.id, r.spec.ports, { signal });
}

/** Everything network of a container, for its removal (idempotent). */
export async function releaseNetworks(
  ctx: ContainerContext,
  r: ContainerRecord,
  signal?: AbortSignal,
): Promise<void> {
  if (r.networkMode !== 'bridge' && r.networkMode !== 'none') return;
  const net = await ctx.networks();
  await net.release(r.id, { signal });
}
