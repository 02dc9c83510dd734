import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import type { PortProbeResult } from './port-allocator.js';
import type { PortProtocol } from './types.js';

/**
 * Whether a host port can be published: binds it for a moment in the host's network namespace.
 * `in-use` when a process already listens there (DNAT would take the port from it for outside
 * clients), `not-local` when the address is not one of the host's. What it cannot see: another
 * engine's DNAT rule for the same port (Docker's own proxy binds its ports, so those are seen).
 */
export function probeHostPort(
  hostIp: string,
  port: number,
  protocol: PortProtocol,
): Promise<PortProbeResult> {
  const verdict = (err: NodeJS.ErrnoException): PortProbeResult =>
    err.code === 'EADDRNOTAVAIL' ? 'not-local' : 'in-use';
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = createSocket({ type: 'udp4', reuseAddr: false });
      socket.once('error', (err) => {
        socket.close();
        resolve(verdict(err));
      });
      socket.bind({ address: hostIp, port, exclusive: true }, () => socket.close(() => resolve('free')));
      return;
    }
    const server = createServer();
    server.once('error', (err) => resolve(verdict(err)));
    server.listen({ host: hostIp, port, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/** `net.ipv4.ip_local_port_range`; Docker's fallback 49153-65535 when it cannot be read. */
export async function localPortRange(): Promise<[number, number]> {
  try {
    const [lo, hi] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'))
      .trim()
      .split(/\s+/)
      .map(Number);
    if (lo !== undefined && hi !== undefined && lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // fall through
  }
  return [49153, 65535];
}
