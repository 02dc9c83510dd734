import { EngineError } from '../errors.js';
import { parseIpv4 } from './ipv4.js';
import type { PortBindingSpec, PortProtocol, PublishedPort } from './types.js';

/**
 * Turns `ports:` entries into concrete host ports: ranges expanded one port at a time, random
 * ports drawn from the kernel's ephemeral range (`ip_local_port_range`, as Docker's allocator
 * does), conflicts refused. Pure apart from the injected probe, which asks the host whether a
 * port can be bound (a process listening on it) — nftables DNAT would otherwise silently steal
 * the port from that process for outside clients.
 */
export type PortProbeResult = 'free' | 'in-use' | 'not-local';

export interface ResolvePortsRequest {
  readonly bindings: readonly PortBindingSpec[];
  /** Ports this engine root already publishes, with the container that holds each. */
  readonly taken: readonly (PublishedPort & { readonly containerId: string })[];
  /** `[low, high]` of `net.ipv4.ip_local_port_range`. */
  readonly localPortRange: readonly [number, number];
  readonly probe: (hostIp: string, port: number, protocol: PortProtocol) => Promise<PortProbeResult>;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  readonly random: () => number;
  /** For messages. */
  readonly containerName: string;
}

interface NormalizedBinding {
  readonly hostIp: string;
  readonly hostLo: number | undefined;
  readonly hostHi: number | undefined;
  readonly containerLo: number;
  readonly containerHi: number;
  readonly protocol: PortProtocol;
}

function describe(b: PortBindingSpec): string {
  const host = b.hostPort === undefined ? '' : `${b.hostPort}${b.hostPortEnd ? `-${b.hostPortEnd}` : ''}:`;
  const ip = b.hostIp ? `${b.hostIp}:` : '';
  const ctr = `${b.containerPort}${b.containerPortEnd ? `-${b.containerPortEnd}` : ''}`;
  return `${ip}${host}${ctr}/${b.protocol ?? 'tcp'}`;
}

function isPort(n: number | undefined): n is number {
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535;
}

export function normalizeBinding(b: PortBindingSpec): NormalizedBinding {
  const bad = (detail: string): EngineError =>
    new EngineError('NETWORK_PORT_INVALID', `port ${describe(b)}: ${detail}`);
  const protocol = b.protocol ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp') throw bad('protocol must be tcp or udp');
  let hostIp = b.hostIp ?? '';
  if (hostIp === '') hostIp = '0.0.0.0';
  if (hostIp.includes(':')) {
    throw new EngineError(
      'NETWORK_IPV6_UNSUPPORTED',
      `port ${describe(b)}: IPv6 host addresses are not supported yet`,
      'publish on an IPv4 address or on all addresses',
    );
  }
  if (parseIpv4(hostIp) === undefined) throw bad(`host address "${hostIp}" is not an IPv4 address`);
  if (!isPort(b.containerPort)) throw bad('container port must be 1-65535');
  const containerHi = b.containerPortEnd ?? b.containerPort;
  if (!isPort(containerHi) || containerHi < b.containerPort) throw bad('invalid container port range');
  let hostLo: number | undefined;
  let hostHi: number | undefined;
  if (b.hostPort !== undefined && b.hostPort !== 0) {
    if (!isPort(b.hostPort)) throw bad('host port must be 1-65535');
    hostLo = b.hostPort;
    hostHi = b.hostPortEnd ?? b.hostPort;
    if (!isPort(hostHi) || hostHi < hostLo) throw bad('invalid host port range');
    const ctrCount = containerHi - b.containerPort + 1;
    if (ctrCount > 1 && hostHi - hostLo + 1 !== ctrCount) {
      throw bad('the host and container port ranges must have the same size');
    }
  }
  return { hostIp, hostLo, hostHi, containerLo: b.containerPort, containerHi, protocol };
}

function clashes(a: { hostIp: string; hostPort: number; protocol: string }, b: typeof a): boolean {
  return (
    a.protocol === b.protocol &&
    a.hostPort === b.hostPort &&
    (a.hostIp === '0.0.0.0' || b.hostIp === '0.0.0.0' || a.hostIp === b.hostIp)
  );
}

export async function resolvePorts(req: ResolvePortsRequest): Promise<PublishedPort[]> {
  const chosen: PublishedPort[] = [];
  const ownerOf = (candidate: PublishedPort): string | undefined =>
    req.taken.find((t) => clashes(t, candidate))?.containerId ??
    (chosen.some((c) => clashes(c, candidate)) ? req.containerName : undefined);
  const refusal: RefusalCheck = async (candidate) => {
    const owner = ownerOf(candidate);
    if (owner !== undefined) return { why: `already published by container ${owner}`, fatal: false };
    const probed = await req.probe(candidate.hostIp, candidate.hostPort, candidate.protocol);
    if (probed === 'in-use') return { why: 'in use by a process on the host', fatal: false };
    if (probed === 'not-local')
      return { why: `${candidate.hostIp} is not an address of this host`, fatal: true };
    return undefined;
  };
  for (const spec of req.bindings) {
    const b = normalizeBinding(spec);
    for (let containerPort = b.containerLo; containerPort <= b.containerHi; containerPort++) {
      const base = { hostIp: b.hostIp, containerPort, protocol: b.protocol };
      if (
        b.hostLo !== undefined &&
        b.hostHi !== undefined &&
        (b.containerHi > b.containerLo || b.hostLo === b.hostHi)
      ) {
        // One host port, or ranges that map 1:1.
        const candidate = { ...base, hostPort: b.hostLo + (containerPort - b.containerLo) };
        const refused = await refusal(candidate);
        if (refused !== undefined) throw portInUse(candidate, refused.why);
        chosen.push(candidate);
      } else if (b.hostLo !== undefined && b.hostHi !== undefined) {
        chosen.push(await firstUsable(base, b.hostLo, b.hostHi, refusal));
      } else {
        chosen.push(await randomUsable(base, req, refusal));
      }
    }
  }
  return chosen;
}

/** Undefined when the port can be used; else why not, and whether another port would help. */
type RefusalCheck = (p: PublishedPort) => Promise<{ why: string; fatal: boolean } | undefined>;

function portInUse(p: PublishedPort, why: string): EngineError {
  return new EngineError(
    'NETWORK_PORT_IN_USE',
    `cannot publish ${p.hostIp}:${p.hostPort}/${p.protocol}: ${why}`,
    'choose another host port, or leave it out to get a random one',
  );
}

async function firstUsable(
  base: Omit<PublishedPort, 'hostPort'>,
  lo: number,
  hi: number,
  refusal: RefusalCheck,
): Promise<PublishedPort> {
  let lastWhy = '';
  for (let hostPort = lo; hostPort <= hi; hostPort++) {
    const candidate = { ...base, hostPort };
    const refused = await refusal(candidate);
    if (refused === undefined) return candidate;
    if (refused.fatal) throw portInUse(candidate, refused.why);
    lastWhy = refused.why;
  }
  throw new EngineError(
    'NETWORK_PORT_IN_USE',
    `cannot publish container port ${base.containerPort}/${base.protocol}: no free host port in ${lo}-${hi} (${lastWhy})`,
  );
}

async function randomUsable(
  base: Omit<PublishedPort, 'hostPort'>,
  req: ResolvePortsRequest,
  refusal: RefusalCheck,
): Promise<PublishedPort> {
  const [lo, hi] = req.localPortRange;
  const span = hi - lo + 1;
  // Random probes first (cheap when the range is mostly free), then one full sweep.
  for (let attempt = 0; attempt < 64; attempt++) {
    const candidate = { ...base, hostPort: lo + Math.floor(req.random() * span) };
    const refused = await refusal(candidate);
    if (refused === undefined) return candidate;
    if (refused.fatal) throw portInUse(candidate, refused.why);
  }
  return firstUsable(base, lo, hi, refusal);
}
