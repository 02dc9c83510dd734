import { stat } from 'node:fs/promises';
import { EngineError } from '../errors.js';
import { assertDnsName } from './dns-records.js';
import { allocateAddress, resolveAddressing } from './ipam.js';
import { formatIpv4, parseIpv4 } from './ipv4.js';
import { linkExists } from './link.js';
import { macForAddress, parseMacAddress } from './mac-address.js';
import { converge, type NetworkContext } from './network-converge.js';
import { endpointInfo, prefixLengthOf, type EndpointRecord, type NetworkRecord } from './network-record.js';
import type { EndpointInfo, EndpointSpec, OpOptions } from './types.js';
import { createVeth, deleteVeth, nextInterfaceName } from './veth.js';

/**
 * Attaching containers to networks and detaching them (the caller holds the engine lock and
 * converges afterwards, which makes the DNS names live). The endpoint is recorded `attaching`
 * before its veth exists and `ready` after, so an interrupted attach is rolled back by repair.
 */

const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

export function assertContainerId(id: string): string {
  if (!CONTAINER_ID.test(id)) {
    throw new EngineError(
      'NETWORK_CONTAINER_ID_INVALID',
      `container id "${id}" is invalid`,
      'use 1-64 characters from [a-zA-Z0-9_.-], starting with a letter or digit',
    );
  }
  return id;
}

/** Checks an endpoint spec before taking the lock; returns its MAC, normalized, if it has one. */
export async function validateEndpointSpec(spec: EndpointSpec): Promise<string | undefined> {
  assertContainerId(spec.containerId);
  assertDnsName(spec.containerName, 'container name');
  for (const alias of spec.aliases ?? []) assertDnsName(alias, 'alias');
  const mac = spec.macAddress !== undefined ? parseMacAddress(spec.macAddress) : undefined;
  try {
    await stat(spec.netnsPath);
  } catch {
    throw new EngineError(
      'NETWORK_NETNS_MISSING',
      `container ${spec.containerName}: network namespace ${spec.netnsPath} does not exist`,
      'create it first (NetworkManager.createNetns)',
    );
  }
  return mac;
}

/** A new endpoint, or the existing one plugged in again (same address and MAC). */
export async function connectEndpoint(
  ctx: NetworkContext,
  network: string,
  spec: EndpointSpec,
  mac: string | undefined,
  o: OpOptions,
): Promise<EndpointInfo> {
  const all = await ctx.store.list();
  const record = await ctx.store.find(network);
  const existing = record.endpoints.find((e) => e.containerId === spec.containerId);
  const endpoint = existing
    ? await replug(ctx, record, existing, spec, o)
    : await attachNew(ctx, record, all, spec, mac, o);
  return endpointInfo((await ctx.store.read(record.name))!, endpoint);
}

async function attachNew(
  ctx: NetworkContext,
  record: NetworkRecord,
  all: readonly NetworkRecord[],
  spec: EndpointSpec,
  mac: string | undefined,
  o: OpOptions,
): Promise<EndpointRecord> {
  const address = allocateAddress({
    addressing: resolveAddressing(record.subnet, record.gateway, record.ipRange),
    used: new Set(record.endpoints.map((e) => parseIpv4(e.ipv4Address)!)),
    last: record.lastAllocated !== undefined ? parseIpv4(record.lastAllocated) : undefined,
    requested: spec.ipv4Address,
    networkName: record.name,
  });
  // The container's other endpoints say which ethN are taken (the records are the truth; the
  // netns holds nothing else of ours) and whether it has a default route already.
  const mine = all.flatMap((r) => r.endpoints.filter((e) => e.containerId === spec.containerId));
  const endpoint: EndpointRecord = {
    containerId: spec.containerId,
    containerName: spec.containerName,
    netnsPath: spec.netnsPath,
    interfaceName: nextInterfaceName(mine.map((e) => e.interfaceName)),
    hostInterface: ctx.names.hostVeth(spec.containerId, record.id),
    ipv4Address: formatIpv4(address),
    macAddress: mac ?? macForAddress(address),
    aliases: [...new Set(spec.aliases ?? [])],
    isDefaultRoute: !record.internal && !mine.some((e) => e.isDefaultRoute),
    ports: [],
    state: 'attaching',
  };
  await ctx.store.write({
    ...record,
    lastAllocated: spec.ipv4Address === undefined ? endpoint.ipv4Address : record.lastAllocated,
    endpoints: [...record.endpoints, endpoint],
  });
  await ctx.step('endpoint-connect:recorded');
  await plug(record, endpoint, o);
  await ctx.step('endpoint-connect:veth');
  return markEndpoint(ctx, record.name, endpoint.containerId, (ep) => ({ ...ep, state: 'ready' }));
}

async function replug(
  ctx: NetworkContext,
  record: NetworkRecord,
  existing: EndpointRecord,
  spec: EndpointSpec,
  o: OpOptions,
): Promise<EndpointRecord> {
  if (spec.ipv4Address !== undefined && spec.ipv4Address !== existing.ipv4Address) {
    throw new EngineError(
      'NETWORK_ENDPOINT_EXISTS',
      `container ${spec.containerName} is already connected to network ${record.name} with address ${existing.ipv4Address}`,
      'disconnect it first to change its address',
    );
  }
  const updated: EndpointRecord = {
    ...existing,
    containerName: spec.containerName,
    aliases: [...new Set(spec.aliases ?? existing.aliases)],
    netnsPath: spec.netnsPath,
  };
  const plugged = updated.netnsPath === existing.netnsPath && (await linkExists(existing.hostInterface));
  if (!plugged) {
    await ctx.store.write({
      ...record,
      endpoints: record.endpoints.map((e) =>
        e.containerId === existing.containerId ? { ...updated, state: 'attaching' as const } : e,
      ),
    });
    await plug(record, updated, o);
  }
  return markEndpoint(ctx, record.name, existing.containerId, () => ({ ...updated, state: 'ready' }));
}

async function plug(record: NetworkRecord, ep: EndpointRecord, o: OpOptions): Promise<void> {
  await createVeth(
    {
      hostName: ep.hostInterface,
      bridge: record.bridge,
      netnsPath: ep.netnsPath,
      interfaceName: ep.interfaceName,
      mac: ep.macAddress,
      addressCidr: `${ep.ipv4Address}/${prefixLengthOf(record)}`,
      ...(ep.isDefaultRoute ? { defaultGateway: record.gateway } : {}),
      mtu: record.mtu,
    },
    o,
  );
}

async function markEndpoint(
  ctx: NetworkContext,
  networkName: string,
  containerId: string,
  change: (ep: EndpointRecord) => EndpointRecord,
): Promise<EndpointRecord> {
  const record = (await ctx.store.read(networkName))!;
  let result: EndpointRecord | undefined;
  await ctx.store.write({
    ...record,
    endpoints: record.endpoints.map((e) => (e.containerId === containerId ? (result = change(e)) : e)),
  });
  return result!;
}

/**
 * Detaches a container from one network: recorded `detaching`, rules and DNS converged first (so
 * nothing points at the address while the interface goes away), veth deleted, endpoint dropped.
 */
export async function detachEndpoint(
  ctx: NetworkContext,
  record: NetworkRecord,
  containerId: string,
  o: OpOptions,
): Promise<void> {
  const ep = await markEndpoint(ctx, record.name, containerId, (e) => ({ ...e, state: 'detaching' }));
  await ctx.step('endpoint-disconnect:recorded');
  await converge(ctx, o);
  await deleteVeth(ep.hostInterface, o);
  const current = (await ctx.store.read(record.name))!;
  await ctx.store.write({
    ...current,
    endpoints: current.endpoints.filter((e) => e.containerId !== containerId),
  });
}
