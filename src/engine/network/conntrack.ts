import { EngineError } from '../errors.js';
import { runHostCommand } from './host-command.js';
import type { OpOptions, PublishedPort } from './types.js';

/**
 * Forgets the conntrack entries of UDP flows to newly published ports. NAT rules only apply to a
 * flow's first packet: a client that sent to the port before the DNAT rule existed (a DNS or
 * syslog client retrying) keeps an entry bound to the host — or to a container that is gone —
 * and UDP, having no connection end, would keep it alive for as long as it keeps sending. Docker
 * flushes the same entries after programming ports (bridge_linux.go clearConntrackEntries).
 *
 * Uses the `conntrack` tool (Debian package `conntrack`). Without it nothing is flushed and
 * `false` is returned: such a client then recovers once it pauses for the UDP timeout (30 s).
 */
export async function flushUdpConntrack(
  ports: readonly PublishedPort[],
  o: OpOptions = {},
): Promise<boolean> {
  for (const p of ports) {
    if (p.protocol !== 'udp') continue;
    try {
      // Exit 1 with "0 flow entries have been deleted" is the common, harmless case.
      await runHostCommand(['conntrack', '-D', '-p', 'udp', '--orig-port-dst', String(p.hostPort)], {
        ...o,
        allowFailure: true,
      });
    } catch (err) {
      if (err instanceof EngineError && err.code === 'NETWORK_TOOL_MISSING') return false;
      throw err;
    }
  }
  return true;
}
