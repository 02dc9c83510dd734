import { z } from 'zod';
import { EngineError } from '../errors.js';
import { parseCidr, type Ipv4Prefix } from './ipv4.js';
import type { EndpointInfo, NetworkInfo } from './types.js';

/**
 * What `<root>/networks/<name>.json` holds: the network's addressing, its bridge, and one entry
 * per attached container (its address lease, MAC, interface names, DNS names and published
 * ports). This file is the truth; the bridge, veths, nft table and DNS records are rebuilt from
 * it. `state` is `creating`/`removing` (network) or `attaching`/`detaching` (endpoint) only
 * while a command works on it: finding one later means a command was killed, and the next
 * mutation repairs it (see `network-repair.ts`).
 */
const PublishedPortSchema = z.object({
  hostIp: z.string(),
  hostPort: z.number().int().min(1).max(65535),
  containerPort: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp']),
});

const EndpointRecordSchema = z.object({
  containerId: z.string(),
  containerName: z.string(),
  netnsPath: z.string(),
  interfaceName: z.string(),
  hostInterface: z.string(),
  ipv4Address: z.string(),
  macAddress: z.string(),
  aliases: z.array(z.string()),
  isDefaultRoute: z.boolean(),
  ports: z.array(PublishedPortSchema),
  state: z.enum(['attaching', 'ready', 'detaching']),
});

const NetworkRecordSchema = z.object({
  version: z.literal(1),
  id: z.string().regex(/^[a-f0-9]{64}$/),
  name: z.string(),
  driver: z.literal('bridge'),
  created: z.string(),
  subnet: z.string(),
  gateway: z.string(),
  ipRange: z.string().optional(),
  internal: z.boolean(),
  labels: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  bridge: z.string(),
  bridgeMac: z.string(),
  mtu: z.number().int(),
  state: z.enum(['creating', 'ready', 'removing']),
  lastAllocated: z.string().optional(),
  endpoints: z.array(EndpointRecordSchema),
});

export type EndpointRecord = z.infer<typeof EndpointRecordSchema>;
export type NetworkRecord = z.infer<typeof NetworkRecordSchema>;

/** Validates a parsed record file; a damaged one is ENGINE_STATE_CORRUPT naming the file. */
export function parseNetworkRecord(value: unknown, path: string): NetworkRecord {
  const result = NetworkRecordSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new EngineError(
      'ENGINE_STATE_CORRUPT',
      `${path}: not a network record (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`,
      'remove the file and the bridge it names, or restore the engine root from a backup',
    );
  }
  return result.data;
}

export function subnetPrefixOf(record: NetworkRecord): Ipv4Prefix {
  return parseCidr(record.subnet)!.prefix;
}

export function prefixLengthOf(record: NetworkRecord): number {
  return Number(record.subnet.split('/')[1]);
}

export function endpointInfo(record: NetworkRecord, ep: EndpointRecord): EndpointInfo {
  return {
    containerId: ep.containerId,
    containerName: ep.containerName,
    networkName: record.name,
    networkId: record.id,
    netnsPath: ep.netnsPath,
    interfaceName: ep.interfaceName,
    hostInterface: ep.hostInterface,
    ipv4Address: ep.ipv4Address,
    prefixLength: prefixLengthOf(record),
    gateway: record.gateway,
    macAddress: ep.macAddress,
    aliases: ep.aliases,
    dnsNames: dnsNamesOf(ep),
    isDefaultRoute: ep.isDefaultRoute,
    ports: ep.ports,
    state: ep.state,
  };
}

/** The names an endpoint answers to: container name first, then aliases, without repeats. */
export function dnsNamesOf(ep: Pick<EndpointRecord, 'containerName' | 'aliases'>): string[] {
  return [...new Set([ep.containerName, ...ep.aliases].filter((n) => n !== ''))];
}

export function networkInfo(record: NetworkRecord): NetworkInfo {
  return {
    id: record.id,
    name: record.name,
    driver: 'bridge',
    created: record.created,
    subnet: record.subnet,
    gateway: record.gateway,
    ipRange: record.ipRange,
    internal: record.internal,
    enableIpv6: false,
    labels: record.labels,
    options: record.options,
    bridge: record.bridge,
    mtu: record.mtu,
    state: record.state,
    endpoints: record.endpoints.map((ep) => endpointInfo(record, ep)),
  };
}
