import { linkExists, removeLink } from './link.js';
import { runHostCommand } from './host-command.js';
import type { OpOptions } from './types.js';

/** One endpoint's veth pair. */
export interface VethConfig {
  /** Host end, attached to the bridge (`tsc<tag>v<hash>`). */
  readonly hostName: string;
  readonly bridge: string;
  /** The container's netns (a nsfs path: `/run/netns/…` or `/proc/<pid>/ns/net`). */
  readonly netnsPath: string;
  /** Container end: `eth0`, `eth1`, … */
  readonly interfaceName: string;
  readonly mac: string;
  /** `10.64.0.2/24`. */
  readonly addressCidr: string;
  /** Set for the endpoint that gives the container its default route. */
  readonly defaultGateway?: string;
  readonly mtu: number;
}

/** Runs `ip` commands inside a netns given by path (`ip -n` only takes names). */
function ipInNetns(netnsPath: string, commands: readonly string[], o: OpOptions): Promise<unknown> {
  return runHostCommand(['nsenter', `--net=${netnsPath}`, '--', 'ip', '-batch', '-'], {
    ...o,
    input: `${commands.join('\n')}\n`,
  });
}

/**
 * Creates the pair with the container end born *inside* the container's netns (`peer … netns`),
 * as netavark does: it never exists in the host namespace, so its name (`eth0`) cannot clash
 * with a host interface and nothing on the host sees it half-configured. Then the host end joins
 * the bridge and the container end gets its address, MAC and (for one endpoint) the default
 * route. An existing host end (an interrupted attach) is deleted first: the steps are repeatable.
 */
export async function createVeth(config: VethConfig, o: OpOptions = {}): Promise<void> {
  if (await linkExists(config.hostName)) await removeLink(config.hostName, o);
  const mtu = String(config.mtu);
  // One `ip` for the host side, one for the container side: each process costs ~10 ms.
  await runHostCommand(['ip', '-batch', '-'], {
    ...o,
    input: [
      `link add name ${config.hostName} mtu ${mtu} type veth peer name ${config.interfaceName} address ${config.mac} mtu ${mtu} netns ${config.netnsPath}`,
      ...bridgePortCommands(config.hostName, config.bridge),
      '',
    ].join('\n'),
  });
  try {
    const inside = [
      `addr add ${config.addressCidr} dev ${config.interfaceName}`,
      `link set dev ${config.interfaceName} up`,
      'link set dev lo up',
    ];
    if (config.defaultGateway !== undefined) {
      inside.push(`route replace default via ${config.defaultGateway} dev ${config.interfaceName}`);
    }
    await ipInNetns(config.netnsPath, inside, o);
  } catch (err) {
    await removeLink(config.hostName).catch(() => undefined);
    throw err;
  }
}

/**
 * Makes the host end a port of `bridge`, up, in hairpin mode. Hairpin: with br_netfilter loaded
 * (Docker loads it; Debian often has it), a container reaching its *own* published port is
 * DNATed at the bridge and the frame must leave through the port it came in on, which a bridge
 * port only allows in hairpin mode (Docker sets it for the same reason when it runs without its
 * userland proxy). The cost: the container also sees its own broadcasts.
 */
export async function attachToBridge(hostName: string, bridge: string, o: OpOptions = {}): Promise<void> {
  await runHostCommand(['ip', '-batch', '-'], {
    ...o,
    input: `${bridgePortCommands(hostName, bridge).join('\n')}\n`,
  });
}

function bridgePortCommands(hostName: string, bridge: string): string[] {
  return [
    `link set dev ${hostName} master ${bridge} up`,
    `link set dev ${hostName} type bridge_slave hairpin on`,
  ];
}

/** Deletes the pair through its host end (the kernel deletes the peer); absent is fine. */
export async function deleteVeth(hostName: string, o: OpOptions = {}): Promise<void> {
  await removeLink(hostName, o);
}

/** The lowest `ethN` not in `used`. */
export function nextInterfaceName(used: readonly string[]): string {
  for (let n = 0; ; n++) if (!used.includes(`eth${n}`)) return `eth${n}`;
}
