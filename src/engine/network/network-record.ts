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
export interface PublishedPortRecord {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
}

export interface EndpointRecord {
  containerId: string;
  containerName: string;
  netnsPath: string;
  interfaceName: string;
  hostInterface: string;
  ipv4Address: string;
  macAddress: string;
  aliases: string[];
  isDefaultRoute: boolean;
  ports: PublishedPortRecord[];
  state: 'attaching' | 'ready' | 'detaching';
}

export interface NetworkRecord {
  version: 1;
  id: string;
  name: string;
  driver: 'bridge';
  created: string;
  subnet: string;
  gateway: string;
  ipRange?: string;
  internal: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  bridge: string;
  bridgeMac: string;
  mtu: number;
  state: 'creating' | 'ready' | 'removing';
  lastAllocated?: string;
  endpoints: EndpointRecord[];
}

/*
 * The file's shape, checked by hand: the engine writes these files itself, so a check only has
 * to catch damage, and a schema library here would be loaded by every container command.
 * A check returns what is wrong (with the path of the field) or undefined.
 */
type Check = (value: unknown, path: string) => string | undefined;

const at = (path: string, key: string | number): string => (path ? `${path}.${key}` : String(key));
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const str: Check = (v, p) => (typeof v === 'string' ? undefined : `${p}: expected a string`);
const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : `${p}: expected a boolean`);
const int =
  (min = -Infinity, max = Infinity): Check =>
  (v, p) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `${p}: expected an integer${min > -Infinity ? ` from ${min} to ${max}` : ''}`;
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v, p) =>
    values.includes(v)
      ? undefined
      : `${p}: expected one of ${values.map((x) => JSON.stringify(x)).join('|')}`;
const matching =
  (re: RegExp): Check =>
  (v, p) =>
    typeof v === 'string' && re.test(v) ? undefined : `${p}: expected a string matching ${String(re)}`;
const optional =
  (check: Check): Check =>
  (v, p) =>
    v === undefined ? undefined : check(v, p);
const arrayOf =
  (check: Check): Check =>
  (v, p) => {
    if (!Array.isArray(v)) return `${p}: expected an array`;
    for (const [i, item] of v.entries()) {
      const wrong = check(item, at(p, i));
      if (wrong) return wrong;
    }
    return undefined;
  };
const stringMap: Check = (v, p) => {
  if (!isObject(v)) return `${p}: expected an object`;
  for (const [k, item] of Object.entries(v))
    if (typeof item !== 'string') return `${at(p, k)}: expected a string`;
  return undefined;
};
const shape =
  (fields: Record<string, Check>): Check =>
  (v, p) => {
    if (!isObject(v)) return `${p || 'the file'}: expected an object`;
    for (const [k, check] of Object.entries(fields)) {
      const wrong = check(v[k], at(p, k));
      if (wrong) return wrong;
    }
    return undefined;
  };

const port = int(1, 65535);
const checkEndpoint = shape({
  containerId: str,
  containerName: str,
  netnsPath: str,
  interfaceName: str,
  hostInterface: str,
  ipv4Address: str,
  macAddress: str,
  aliases: arrayOf(str),
  isDefaultRoute: bool,
  ports: arrayOf(shape({ hostIp: str, hostPort: port, containerPort: port, protocol: oneOf('tcp', 'udp') })),
  state: oneOf('attaching', 'ready', 'detaching'),
});
const checkNetwork = shape({
  version: oneOf(1),
  id: matching(/^[a-f0-9]{64}$/),
  name: str,
  driver: oneOf('bridge'),
  created: str,
  subnet: str,
  gateway: str,
  ipRange: optional(str),
  internal: bool,
  labels: stringMap,
  options: stringMap,
  bridge: str,
  bridgeMac: str,
  mtu: int(),
  state: oneOf('creating', 'ready', 'removing'),
  lastAllocated: optional(str),
  endpoints: arrayOf(checkEndpoint),
});

/** Validates a parsed record file; a damaged one is ENGINE_STATE_CORRUPT naming the file. */
export function parseNetworkRecord(value: unknown, path: string): NetworkRecord {
  const wrong = checkNetwork(value, '');
  if (wrong) {
    throw new EngineError(
      'ENGINE_STATE_CORRUPT',
      `${path}: not a network record (${wrong})`,
      'remove the file and the bridge it names, or restore the engine root from a backup',
    );
  }
  return value as NetworkRecord;
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
