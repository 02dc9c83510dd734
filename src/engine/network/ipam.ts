import { EngineError } from '../errors.js';
import {
  formatPrefix,
  parseCidr,
  parseIpv4,
  prefixContains,
  prefixCovers,
  prefixLast,
  prefixesOverlap,
  type Ipv4Prefix,
} from './ipv4.js';

/**
 * IP address management, pure: which subnet a new network gets, which address a new endpoint
 * gets. The caller (the network manager) supplies what is taken and persists the result in the
 * network's record.
 */

/** A range that default subnets are cut from, in pieces of `size` prefix length. */
export interface AddressPool {
  readonly range: Ipv4Prefix;
  readonly size: number;
}

/**
 * 10.64.0.0/12 (10.64.0.0–10.79.255.255) in /24s: 4096 networks. Chosen to stay clear of the
 * other engines' defaults on the same host — Docker's 172.17.0.0/16…172.31.0.0/16 and
 * 192.168.0.0/16 in /20s, Podman's 10.88.0.0/16 and 10.89.0.0–10.255.255.0/24 — and of the
 * usual Kubernetes ranges (10.42/16, 10.43/16 for k3s, 10.96.0.0/12 for services, 10.244/16).
 */
export const DEFAULT_POOLS: readonly AddressPool[] = [{ range: { base: 0x0a400000, length: 12 }, size: 24 }];

/** The subnets another engine uses by default: a default subnet never comes from these. */
export const FOREIGN_DEFAULT_RANGES: readonly Ipv4Prefix[] = [
  { base: 0xac110000, length: 16 }, // 172.17.0.0/16 … (Docker, one /16 each)
  { base: 0xac120000, length: 15 }, // 172.18.0.0/15
  { base: 0xac140000, length: 14 }, // 172.20.0.0/14
  { base: 0xac180000, length: 13 }, // 172.24.0.0/13 … 172.31.255.255
  { base: 0xc0a80000, length: 16 }, // 192.168.0.0/16 (Docker, /20s)
  { base: 0x0a580000, length: 13 }, // 10.88.0.0/13 … (Podman: 10.88/16 and 10.89–10.95 /24s)
  { base: 0x0a600000, length: 11 }, // 10.96.0.0/11
  { base: 0x0a800000, length: 9 }, // 10.128.0.0/9 … 10.255.255.255 (rest of Podman's pool)
];

/** The addressing of a network, validated. */
export interface NetworkAddressing {
  readonly subnet: Ipv4Prefix;
  readonly gateway: number;
  /** Where dynamic addresses come from; equals `subnet` when no ip_range was given. */
  readonly range: Ipv4Prefix;
  readonly hasIpRange: boolean;
}

function invalid(what: string, detail: string, hint?: string): EngineError {
  return new EngineError('NETWORK_ADDRESSING_INVALID', `${what}: ${detail}`, hint);
}

/**
 * Checks a user's subnet/gateway/ip_range (as `network create --subnet --gateway --ip-range` or a
 * stack's `ipam.config`) and fills in the gateway. `subnet` must be given here; see `chooseSubnet`.
 */
export function resolveAddressing(
  subnetText: string,
  gatewayText?: string,
  ipRangeText?: string,
): NetworkAddressing {
  const parsed = parseCidr(subnetText);
  if (!parsed || !subnetText.includes('/')) {
    throw invalid(`subnet "${subnetText}"`, 'expected an IPv4 CIDR such as 10.64.5.0/24');
  }
  const subnet = parsed.prefix;
  if (parsed.address !== subnet.base) {
    throw invalid(
      `subnet "${subnetText}"`,
      'host bits are set',
      `did you mean ${formatPrefix(subnet)}? (the network address has all host bits zero)`,
    );
  }
  if (subnet.length > 29 || subnet.length < 8) {
    throw invalid(`subnet "${subnetText}"`, 'the prefix length must be between /8 and /29');
  }
  const first = subnet.base + 1;
  const last = prefixLast(subnet) - 1;
  let gateway = first;
  if (gatewayText !== undefined && gatewayText !== '') {
    const g = parseIpv4(gatewayText);
    if (g === undefined) throw invalid(`gateway "${gatewayText}"`, 'expected an IPv4 address');
    if (g < first || g > last) {
      throw invalid(`gateway "${gatewayText}"`, `not a host address of subnet ${formatPrefix(subnet)}`);
    }
    gateway = g;
  }
  let range = subnet;
  let hasIpRange = false;
  if (ipRangeText !== undefined && ipRangeText !== '') {
    const r = parseCidr(ipRangeText);
    if (!r || !ipRangeText.includes('/') || r.address !== r.prefix.base) {
      throw invalid(`ip_range "${ipRangeText}"`, 'expected an IPv4 CIDR with host bits zero');
    }
    if (!prefixCovers(subnet, r.prefix)) {
      throw invalid(`ip_range "${ipRangeText}"`, `not inside subnet ${formatPrefix(subnet)}`);
    }
    range = r.prefix;
    hasIpRange = true;
  }
  return { subnet, gateway, range, hasIpRange };
}

/**
 * The first subnet of the pools that overlaps nothing in `taken` (the engine's own networks, the
 * host's routes — which include other engines' bridges) nor another engine's default ranges.
 */
export function chooseSubnet(
  taken: readonly Ipv4Prefix[],
  pools: readonly AddressPool[] = DEFAULT_POOLS,
): Ipv4Prefix {
  const avoid = [...taken, ...FOREIGN_DEFAULT_RANGES];
  for (const pool of pools) {
    const step = 2 ** (32 - pool.size);
    const end = prefixLast(pool.range);
    for (let base = pool.range.base; base <= end; base += step) {
      const candidate = { base, length: pool.size };
      const clash = avoid.find((t) => prefixesOverlap(t, candidate));
      if (clash === undefined) return candidate;
      // Skip the whole clashing prefix at once when it is larger than one candidate.
      if (clash.length < pool.size) base = Math.max(base, prefixLast(clash) + 1 - step);
    }
  }
  throw new EngineError(
    'NETWORK_POOL_EXHAUSTED',
    `no free subnet left in the default pool (${pools.map((p) => `${formatPrefix(p.range)} in /${p.size}s`).join(', ')})`,
    'remove unused networks (`tscompose network prune`) or give the network an explicit subnet',
  );
}

export interface AllocationRequest {
  readonly addressing: NetworkAddressing;
  /** Addresses held by other endpoints of the network. */
  readonly used: ReadonlySet<number>;
  /** The address handed out last; the search starts after it so a freed address is not reused at once. */
  readonly last?: number;
  /** A static address asked for. */
  readonly requested?: string;
  /** For messages: the network's name. */
  readonly networkName: string;
}

/** Picks an endpoint's address: the requested one after checks, else the next free one in range. */
export function allocateAddress(req: AllocationRequest): number {
  const { subnet, gateway, range } = req.addressing;
  const firstHost = subnet.base + 1;
  const lastHost = prefixLast(subnet) - 1;
  if (req.requested !== undefined) {
    const address = parseIpv4(req.requested);
    if (address === undefined) {
      throw new EngineError(
        'NETWORK_ADDRESS_INVALID',
        `ipv4_address "${req.requested}": not an IPv4 address`,
      );
    }
    if (!prefixContains(subnet, address) || address < firstHost || address > lastHost) {
      throw new EngineError(
        'NETWORK_ADDRESS_INVALID',
        `ipv4_address ${req.requested}: not a host address of network ${req.networkName} (${formatPrefix(subnet)})`,
      );
    }
    if (address === gateway || req.used.has(address)) {
      throw new EngineError(
        'NETWORK_ADDRESS_IN_USE',
        `ipv4_address ${req.requested} is already in use on network ${req.networkName}`,
        address === gateway
          ? 'it is the gateway address'
          : 'choose another address or let the engine pick one',
      );
    }
    return address;
  }
  const lo = Math.max(range.base, firstHost);
  const hi = Math.min(prefixLast(range), lastHost);
  const count = hi - lo + 1;
  const start = req.last !== undefined && req.last >= lo && req.last < hi ? req.last + 1 : lo;
  for (let i = 0; i < count; i++) {
    const candidate = lo + ((start - lo + i) % count);
    if (candidate !== gateway && !req.used.has(candidate)) return candidate;
  }
  throw new EngineError(
    'NETWORK_NO_FREE_ADDRESS',
    `network ${req.networkName}: no free address left in ${formatPrefix(range)}`,
    'disconnect containers or create a network with a larger subnet',
  );
}
