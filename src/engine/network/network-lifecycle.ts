import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors.js';
import { ensureBridge, removeBridge } from './bridge.js';
import { hostRoutes } from './host-routes.js';
import { chooseSubnet, resolveAddressing, type NetworkAddressing } from './ipam.js';
import { formatIpv4, formatPrefix, prefixesOverlap, type Ipv4Prefix } from './ipv4.js';
import { macForAddress } from './mac-address.js';
import { converge, type NetworkContext } from './network-converge.js';
import { networkInfo, subnetPrefixOf, type NetworkRecord } from './network-record.js';
import { bridgeConfigOf } from './network-repair.js';
import { assertNetworkName } from './network-store.js';
import type { NetworkInfo, NetworkSpec, OpOptions } from './types.js';

/** Creating and removing networks (the caller holds the engine lock and converges afterwards). */

const DEFAULT_MTU = 1500;

/** Checks what can be checked without the host; returns the MTU. */
export function validateNetworkSpec(spec: NetworkSpec): number {
  assertNetworkName(spec.name);
  if ((spec.driver ?? 'bridge') !== 'bridge') {
    throw new EngineError(
      'NETWORK_DRIVER_UNSUPPORTED',
      `network ${spec.name}: driver "${String(spec.driver)}" is not supported`,
      'only the bridge driver exists',
    );
  }
  if (spec.enableIpv6) {
    throw new EngineError(
      'NETWORK_IPV6_UNSUPPORTED',
      `network ${spec.name}: IPv6 is not supported yet`,
      'leave enable_ipv6 unset (networks are IPv4-only for now)',
    );
  }
  if (spec.subnet === undefined && (spec.gateway !== undefined || spec.ipRange !== undefined)) {
    throw new EngineError(
      'NETWORK_ADDRESSING_INVALID',
      `network ${spec.name}: a gateway or ip_range needs a subnet`,
      'give the subnet too (--subnet)',
    );
  }
  return mtuOf(spec);
}

/**
 * Records the network (state `creating`), makes its bridge, marks it `ready`. A default subnet
 * is the pool's first that overlaps nothing of ours nor any host route.
 */
export async function createNetwork(
  ctx: NetworkContext,
  spec: NetworkSpec,
  o: OpOptions,
): Promise<NetworkInfo> {
  const mtu = validateNetworkSpec(spec);
  const records = await ctx.store.list();
  if (records.some((r) => r.name === spec.name)) {
    throw new EngineError('NETWORK_EXISTS', `network with name ${spec.name} already exists`);
  }
  let addressing: NetworkAddressing | undefined;
  if (spec.subnet !== undefined) {
    addressing = resolveAddressing(spec.subnet, spec.gateway, spec.ipRange);
    const clash = records.find((r) => prefixesOverlap(subnetPrefixOf(r), addressing!.subnet));
    if (clash) {
      throw new EngineError(
        'NETWORK_SUBNET_OVERLAP',
        `network ${spec.name}: subnet ${spec.subnet} overlaps network ${clash.name} (${clash.subnet})`,
      );
    }
  }
  const avoid: Ipv4Prefix[] = [];
  for (let attempt = 0; ; attempt++) {
    const record = await newRecord(
      ctx,
      spec,
      mtu,
      addressing ?? (await defaultAddressing(ctx, records, avoid, o)),
    );
    await ctx.store.write(record);
    await ctx.step('network-create:recorded');
    await ensureBridge(bridgeConfigOf(record), o);
    await ctx.step('network-create:bridge');
    // Another engine may have picked the same default subnet at the same moment (each only
    // sees the other's bridge once it exists): if a foreign route now overlaps ours, undo
    // and take the next subnet.
    if (addressing === undefined && attempt < 3 && (await foreignRouteOverlaps(record, o))) {
      avoid.push(subnetPrefixOf(record));
      await removeBridge(record.bridge, o);
      await ctx.store.remove(record.name);
      continue;
    }
    const ready: NetworkRecord = { ...record, state: 'ready' };
    await ctx.store.write(ready);
    return networkInfo(ready);
  }
}

async function newRecord(
  ctx: NetworkContext,
  spec: NetworkSpec,
  mtu: number,
  a: NetworkAddressing,
): Promise<NetworkRecord> {
  const taken = new Set((await ctx.store.list()).map((r) => r.bridge));
  let id = randomBytes(32).toString('hex');
  while (taken.has(ctx.names.bridge(id))) id = randomBytes(32).toString('hex');
  return {
    version: 1,
    id,
    name: spec.name,
    driver: 'bridge',
    created: new Date().toISOString(),
    subnet: formatPrefix(a.subnet),
    gateway: formatIpv4(a.gateway),
    ...(a.hasIpRange ? { ipRange: formatPrefix(a.range) } : {}),
    internal: spec.internal ?? false,
    labels: { ...spec.labels },
    options: { ...spec.options },
    bridge: ctx.names.bridge(id),
    bridgeMac: macForAddress(a.gateway),
    mtu,
    state: 'creating',
    endpoints: [],
  };
}

async function defaultAddressing(
  ctx: NetworkContext,
  records: readonly NetworkRecord[],
  avoid: readonly Ipv4Prefix[],
  o: OpOptions,
): Promise<NetworkAddressing> {
  const taken = [...records.map(subnetPrefixOf), ...avoid, ...(await hostRoutes(o)).map((r) => r.prefix)];
  const subnet = chooseSubnet(taken, ctx.pools);
  return resolveAddressing(formatPrefix(subnet));
}

async function foreignRouteOverlaps(record: NetworkRecord, o: OpOptions): Promise<boolean> {
  const mine = subnetPrefixOf(record);
  return (await hostRoutes(o)).some((r) => r.dev !== record.bridge && prefixesOverlap(r.prefix, mine));
}

/** Removes a network: rules and DNS first (no window where rules name a missing bridge), then
 * the bridge, then the record. */
export async function removeNetwork(ctx: NetworkContext, record: NetworkRecord, o: OpOptions): Promise<void> {
  await ctx.store.write({ ...record, state: 'removing' });
  await ctx.step('network-remove:recorded');
  await converge(ctx, o);
  await removeBridge(record.bridge, o);
  await ctx.store.remove(record.name);
}

function mtuOf(spec: NetworkSpec): number {
  const text = spec.options?.['mtu'] ?? spec.options?.['com.docker.network.driver.mtu'];
  if (text === undefined) return DEFAULT_MTU;
  const mtu = Number(text);
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) {
    throw new EngineError('NETWORK_OPTION_INVALID', `network ${spec.name}: mtu "${text}" must be 68-65535`);
  }
  return mtu;
}
