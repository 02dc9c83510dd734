import { runHostCommand } from './host-command.js';
import { linkExists, removeLink } from './link.js';
import { readSysctl, writeSysctl } from './sysctl.js';
import type { OpOptions } from './types.js';

/** One network's Linux bridge, as the host should have it. */
export interface BridgeConfig {
  readonly name: string;
  /** Fixed MAC: see `ensureBridge`. */
  readonly mac: string;
  /** The gateway address with the subnet's prefix length (`10.64.0.1/24`). */
  readonly gatewayCidr: string;
  readonly mtu: number;
  readonly internal: boolean;
}

/**
 * Creates the bridge or brings an existing one back to `config` (idempotent: a repair after an
 * interrupted create runs the same steps).
 *
 * - The MAC is set explicitly, which pins it: otherwise the kernel gives a bridge the lowest MAC
 *   of its ports and changes it as containers come and go, and neighbours' ARP caches point at
 *   the old one for minutes (netavark pins it for the same reason).
 * - `ip_forward=1` is global and needed for egress and published ports; it is only written when
 *   it is 0, because writing it resets every interface's `forwarding` flag.
 * - `route_localnet=1` only on this bridge, never `all` (CVE-2020-8558): it lets DNAT send
 *   127.0.0.1-sourced packets (published ports reached via localhost) out of this bridge.
 * - `rp_filter=2` (loose): the strict mode drops replies of hairpin and localhost flows.
 * - An internal bridge gets `forwarding=0`: the kernel then refuses to route anything arriving
 *   from it, a second fence behind the nftables drop.
 */
export async function ensureBridge(config: BridgeConfig, o: OpOptions = {}): Promise<void> {
  const exists = await linkExists(config.name);
  const batch: string[] = [];
  if (!exists) {
    batch.push(`link add name ${config.name} address ${config.mac} mtu ${config.mtu} type bridge`);
  } else {
    batch.push(`link set dev ${config.name} address ${config.mac} mtu ${config.mtu}`);
  }
  batch.push(`addr replace ${config.gatewayCidr} dev ${config.name}`);
  batch.push(`link set dev ${config.name} up`);
  await runHostCommand(['ip', '-batch', '-'], { ...o, input: `${batch.join('\n')}\n` });
  if ((await readSysctl('net/ipv4/ip_forward')) !== '1') await writeSysctl('net/ipv4/ip_forward', '1');
  const conf = `net/ipv4/conf/${config.name}`;
  await writeSysctl(`${conf}/route_localnet`, '1');
  await writeSysctl(`${conf}/rp_filter`, '2');
  await writeSysctl(`${conf}/forwarding`, config.internal ? '0' : '1');
}

/** Deletes the bridge (its ports are detached by the kernel); absent is fine. */
export async function removeBridge(name: string, o: OpOptions = {}): Promise<void> {
  await removeLink(name, o);
}
