import { runHostCommand } from './host-command.js';
import { parseCidr, type Ipv4Prefix } from './ipv4.js';
import type { OpOptions } from './types.js';

export interface HostRoute {
  readonly prefix: Ipv4Prefix;
  readonly dev: string | undefined;
}

/**
 * The host's IPv4 routes in every table except default routes: a default subnet must not
 * overlap any of them (a LAN, a VPN, another engine's bridge, a host address).
 */
export async function hostRoutes(o: OpOptions = {}): Promise<HostRoute[]> {
  const r = await runHostCommand(['ip', '-j', '-4', 'route', 'show', 'table', 'all'], o);
  const routes = JSON.parse(r.stdout || '[]') as { dst?: string; dev?: string }[];
  const out: HostRoute[] = [];
  for (const route of routes) {
    if (route.dst === undefined || route.dst === 'default') continue;
    const parsed = parseCidr(route.dst);
    if (parsed && parsed.prefix.length > 0) out.push({ prefix: parsed.prefix, dev: route.dev });
  }
  return out;
}
