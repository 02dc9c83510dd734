import type { YamlMap } from '../document/yaml-value.js';

/** A short port syntax Compose cannot read. */
export class PortSpecError extends Error {}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/**
 * Parses the short port syntax `[[HOST_IP:][HOST[-HOST_END]]:]CONTAINER[-CONTAINER_END][/PROTOCOL]`
 * into long-syntax mappings, one per container port, as Docker's nat.ParsePortSpec and compose-go
 * do: IPv6 addresses in brackets, a host range with a single container port is kept as a range
 * (the engine picks a free port in it), equal-length ranges pair up, and the result is ordered by
 * the "port/proto" string (so `8-10` gives 10, 8, 9: Compose sorts these strings).
 */
export function parsePortSpec(spec: string): YamlMap[] {
  const { ip: rawIp, hostPort, containerPart } = splitParts(spec);
  const [protoRaw, containerPort] = splitProtoPort(containerPart);
  let ip = rawIp;
  if (ip.startsWith('[')) {
    if (!ip.endsWith(']')) throw new PortSpecError(`invalid IP address ${ip}`);
    ip = ip.slice(1, -1);
  }
  if (ip !== '' && !isIpAddress(ip)) throw new PortSpecError(`invalid IP address: ${ip}`);
  if (containerPort === '') throw new PortSpecError(`no port specified: ${spec}<empty>`);
  const container = parseRange(containerPort, `invalid containerPort: ${containerPort}`);
  let host: [number, number] = [0, 0];
  if (hostPort !== '') host = parseRange(hostPort, `invalid hostPort: ${hostPort}`);
  const containerSpan = container[1] - container[0];
  if (hostPort !== '' && containerSpan !== host[1] - host[0] && containerSpan !== 0) {
    throw new PortSpecError(
      `invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`,
    );
  }
  const proto = protoRaw.toLowerCase();
  if (!PROTOCOLS.has(proto)) throw new PortSpecError(`invalid proto: ${proto}`);
  const out: { key: string; port: YamlMap }[] = [];
  for (let i = 0; i <= containerSpan; i++) {
    const target = container[0] + i;
    let published = hostPort === '' ? '' : String(host[0] + i);
    if (containerSpan === 0 && host[0] !== host[1]) published = `${published}-${host[1]}`;
    const port: YamlMap = { mode: 'ingress' };
    if (ip !== '') port['host_ip'] = ip;
    port['target'] = target;
    if (published !== '') port['published'] = published;
    port['protocol'] = proto;
    out.push({ key: `${target}/${proto}`, port });
  }
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out.map((e) => e.port);
}

function splitParts(raw: string): { ip: string; hostPort: string; containerPart: string } {
  const parts = raw.split(':');
  const n = parts.length;
  const containerPart = parts[n - 1] as string;
  if (n === 1) return { ip: '', hostPort: '', containerPart };
  if (n === 2) return { ip: '', hostPort: parts[0] as string, containerPart };
  if (n === 3) return { ip: parts[0] as string, hostPort: parts[1] as string, containerPart };
  return { ip: parts.slice(0, n - 2).join(':'), hostPort: parts[n - 2] as string, containerPart };
}

function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw.length === 0 || (parts[0] ?? '') === '') return ['', ''];
  if (parts.length === 1) return ['tcp', raw];
  if ((parts[1] ?? '') === '') return ['tcp', parts[0] as string];
  return [parts[1] as string, parts[0] as string];
}

const UINT16 = /^\d+$/;

function parseUint16(s: string | undefined): number | undefined {
  if (s === undefined || !UINT16.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

function parseRange(ports: string, message: string): [number, number] {
  if (!ports.includes('-')) {
    const p = parseUint16(ports);
    if (p === undefined) throw new PortSpecError(message);
    return [p, p];
  }
  const parts = ports.split('-');
  const start = parseUint16(parts[0]);
  const end = parseUint16(parts[1]);
  if (start === undefined || end === undefined || end < start) throw new PortSpecError(message);
  return [start, end];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Go's net.ParseIP: dotted IPv4 or IPv6 (optionally with an embedded IPv4 tail), no zone. */
export function isIpAddress(s: string): boolean {
  if (IPV4.test(s)) return true;
  return isIpv6(s);
}

function isIpv6(s: string): boolean {
  if (!s.includes(':') || s.includes('%')) return false;
  let text = s;
  let groupsNeeded = 8;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!IPV4.test(tail)) return false;
    text = `${text.slice(0, lastColon + 1)}0:0`;
    groupsNeeded = 8;
  }
  const doubles = text.split('::');
  if (doubles.length > 2) return false;
  const group = /^[0-9a-fA-F]{1,4}$/;
  const head = doubles[0] === '' ? [] : (doubles[0] as string).split(':');
  const rest = doubles.length === 2 ? (doubles[1] === '' ? [] : (doubles[1] as string).split(':')) : [];
  if (![...head, ...rest].every((g) => group.test(g))) return false;
  const count = head.length + rest.length;
  return doubles.length === 2 ? count < groupsNeeded : count === groupsNeeded;
}
