import { readFile } from 'node:fs/promises';
import type { Logger } from '../../common/logger.js';
import type { DnsResponder } from './dns-process.js';
import type { DnsNetwork, DnsRecordsDir } from './dns-records.js';
import type { Firewall } from './firewall.js';
import type { FirewallState } from './firewall-rules.js';
import type { HostNames } from './host-names.js';
import type { AddressPool } from './ipam.js';
import { dnsNamesOf, type NetworkRecord } from './network-record.js';
import type { NetworkStore } from './network-store.js';
import { parseResolvConf, upstreamsOf } from './resolv-conf.js';
import type { OpOptions } from './types.js';

/** What the network operations of one engine root share (built once by NetworkManager.open). */
export interface NetworkContext {
  readonly store: NetworkStore;
  readonly names: HostNames;
  readonly firewall: Firewall;
  readonly dns: DnsResponder;
  readonly dnsRecords: DnsRecordsDir;
  /** The host's resolv.conf: the responder's upstreams. */
  readonly hostResolvConf: string;
  readonly logger: Logger;
  /** Something the user should know that did not stop the operation. */
  readonly warn: (message: string) => void;
  /** Default subnets. */
  readonly pools: readonly AddressPool[];
  /** Uniform in [0, 1), for random host ports. */
  readonly random: () => number;
  /** The test hook of NetworkManagerDeps.onStep (a no-op otherwise). */
  readonly step: (name: string) => Promise<void>;
}

/** The nftables state the records ask for: ready networks, and ports of ready endpoints. */
export function firewallStateOf(records: readonly NetworkRecord[]): FirewallState {
  const ready = records.filter((r) => r.state === 'ready');
  return {
    networks: ready.map((r) => ({
      name: r.name,
      bridge: r.bridge,
      subnet: r.subnet,
      gateway: r.gateway,
      internal: r.internal,
    })),
    // Internal networks have no way in either: their endpoints' ports are not published.
    published: ready
      .filter((r) => !r.internal)
      .flatMap((r) =>
        r.endpoints
          .filter((ep) => ep.state === 'ready' && ep.ports.length > 0)
          .map((ep) => ({ containerId: ep.containerId, address: ep.ipv4Address, ports: ep.ports })),
      ),
  };
}

export function dnsNetworksOf(records: readonly NetworkRecord[]): DnsNetwork[] {
  return records
    .filter((r) => r.state === 'ready')
    .map((r) => ({
      name: r.name,
      gateway: r.gateway,
      subnet: r.subnet,
      internal: r.internal,
      entries: r.endpoints
        .filter((ep) => ep.state === 'ready')
        .map((ep) => ({ containerId: ep.containerId, address: ep.ipv4Address, names: dnsNamesOf(ep) })),
    }));
}

/**
 * Brings the host's shared objects in line with the records: the nftables table (rewritten in
 * one transaction) and the DNS responder (records rewritten, then reloaded; started when a
 * network first has containers; stopped when no network is left). Every mutation ends with it,
 * so an interrupted one is made whole by the next. `force` re-applies the table even when the
 * last applied one looks the same (repair).
 */
export async function converge(
  ctx: NetworkContext,
  o: OpOptions & { readonly force?: boolean } = {},
): Promise<void> {
  const records = await ctx.store.list();
  await ctx.firewall.apply(firewallStateOf(records), o);
  await syncDns(ctx, records, o);
}

async function syncDns(ctx: NetworkContext, records: readonly NetworkRecord[], o: OpOptions): Promise<void> {
  const networks = dnsNetworksOf(records);
  if (networks.length === 0) {
    await ctx.dns.stop(o);
    await ctx.dnsRecords.remove();
    return;
  }
  const hasContainers = networks.some((n) => n.entries.length > 0);
  if (!hasContainers && (await ctx.dns.runningPid()) === undefined) return;
  const hostText = await readFile(ctx.hostResolvConf, 'utf8').catch(() => '');
  const upstreams = upstreamsOf(parseResolvConf(hostText));
  if (upstreams.length === 0) {
    ctx.warn(`${ctx.hostResolvConf} names no IPv4 nameserver: containers resolve only each other's names`);
  }
  const { generation, changed } = await ctx.dnsRecords.write(networks, upstreams);
  if (!changed && (await ctx.dns.runningPid()) !== undefined) return;
  const status = await ctx.dns.apply(generation, o);
  for (const error of status.errors) ctx.warn(`DNS responder: ${error}`);
}
