import type { PublishedPort } from './types.js';

/**
 * The engine root's nftables table as text, from the network state alone (pure, golden-tested).
 * The text is exactly what `nft list table inet <table>` prints back, so an integration test can
 * compare the kernel's dump with this function's output character for character.
 *
 * Layout (one table per engine root; base chains dispatch by interface or address to chains that
 * belong to one network or one container, so what a network or container adds is exactly its own
 * chains plus the jumps to them):
 *
 * - `raw-prerouting`: per network `ip daddr <subnet> iifname != <bridge> drop` — Docker's "drop
 *   direct access": nothing from outside the bridge reaches container addresses by routing
 *   (a LAN neighbour with a route to the subnet, another network's containers). Published ports
 *   are reached at host addresses, before DNAT, so they pass.
 * - `nat-prerouting`, `nat-output`: `fib daddr type local jump hostports` — packets for one of
 *   the host's own addresses, from outside (prerouting) or from the host itself (output, which
 *   covers 127.0.0.1 — with `route_localnet` on the bridge and the masquerade below).
 * - `hostports`: first each network's DNS (gateway:53) is kept from being DNATed by a port
 *   published on all addresses, then one jump per container with published ports to
 *   `ports-<container>`: `[ip daddr <host ip>] tcp dport <P> dnat ip to <ctr>:<p>`.
 * - `nat-postrouting`: per network `oifname <br> jump nw-<n>-postrouting-in` (masquerade DNATed
 *   flows that come from the network itself — hairpin, a container reaching its own or a
 *   neighbour's published port — or from a host address, 127.0.0.1 included: the container's
 *   reply must come back through the host to be un-NATed, not go straight to the neighbour on
 *   the bridge) and `ip saddr <subnet> jump nw-<n>-postrouting-out` (egress masquerade; absent
 *   for internal networks). The hairpin rule matches the source address, not `iifname`: with
 *   br_netfilter, a DNATed packet that stays on its bridge is bridged, not routed, and the
 *   postrouting hook sees no input interface for it.
 * - `filter-forward`: per network `oifname <br> jump nw-<n>-forward-in` (established flows,
 *   traffic within the bridge, DNATed flows = published ports; everything else dropped: an
 *   unpublished port is not reachable from outside the bridge, and networks are isolated from
 *   each other) and `iifname <br> jump nw-<n>-forward-out` (accept, or drop for internal
 *   networks: no egress).
 *
 * No packet marks are used (`ct status dnat` instead), so nothing collides with the marks of
 * Docker, Podman or kube-proxy; and every base chain has policy accept, so traffic that is not
 * ours passes through this table untouched (another table's drop still applies to it).
 */
export interface FirewallNetwork {
  readonly name: string;
  readonly bridge: string;
  /** CIDR. */
  readonly subnet: string;
  readonly gateway: string;
  readonly internal: boolean;
}

/** One container's published ports, DNATed to its address on one (non-internal) network. */
export interface FirewallPorts {
  readonly containerId: string;
  readonly address: string;
  readonly ports: readonly PublishedPort[];
}

export interface FirewallState {
  readonly networks: readonly FirewallNetwork[];
  readonly published: readonly FirewallPorts[];
}

interface Chain {
  readonly name: string;
  /** `type … hook … priority …; policy accept;` for base chains. */
  readonly hook?: string;
  readonly rules: readonly string[];
}

const q = (ifname: string): string => `"${ifname}"`;

/** Code-point order, independent of the locale (the output is compared byte for byte). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function networkChain(network: string, part: string): string {
  return `nw-${network}-${part}`;
}

export function portsChain(containerId: string): string {
  return `ports-${containerId}`;
}

function portRule(address: string, p: PublishedPort): string {
  const daddr = p.hostIp === '0.0.0.0' ? '' : `ip daddr ${p.hostIp} `;
  return `${daddr}${p.protocol} dport ${p.hostPort} dnat ip to ${address}:${p.containerPort}`;
}

function comparePorts(a: PublishedPort, b: PublishedPort): number {
  return byText(a.protocol, b.protocol) || a.hostPort - b.hostPort || byText(a.hostIp, b.hostIp);
}

function networkChains(n: FirewallNetwork): Chain[] {
  const br = q(n.bridge);
  const chains: Chain[] = [
    {
      name: networkChain(n.name, 'forward-in'),
      rules: [
        'ct state established,related accept',
        `iifname ${br} accept`,
        ...(n.internal ? [] : ['ct status dnat accept']),
        'drop',
      ],
    },
    { name: networkChain(n.name, 'forward-out'), rules: [n.internal ? 'drop' : 'accept'] },
    {
      name: networkChain(n.name, 'postrouting-in'),
      rules: [
        `ct status dnat ip saddr ${n.subnet} masquerade`,
        'ct status dnat fib saddr type local masquerade',
      ],
    },
  ];
  if (!n.internal) {
    chains.push({
      name: networkChain(n.name, 'postrouting-out'),
      rules: [`oifname != ${br} ip daddr != 224.0.0.0/4 masquerade`],
    });
  }
  return chains;
}

export function renderFirewallTable(table: string, state: FirewallState): string {
  const networks = [...state.networks].sort((a, b) => byText(a.name, b.name));
  const published = state.published
    .filter((p) => p.ports.length > 0)
    .sort((a, b) => byText(a.containerId, b.containerId));
  const chains: Chain[] = [
    {
      name: 'raw-prerouting',
      hook: 'type filter hook prerouting priority raw; policy accept;',
      rules: networks.map((n) => `ip daddr ${n.subnet} iifname != ${q(n.bridge)} drop`),
    },
    {
      name: 'nat-prerouting',
      hook: 'type nat hook prerouting priority dstnat; policy accept;',
      rules: ['fib daddr type local jump hostports'],
    },
    {
      // `dstnat` is only accepted for prerouting by nft 1.0.6; -100 is its value.
      name: 'nat-output',
      hook: 'type nat hook output priority -100; policy accept;',
      rules: ['fib daddr type local jump hostports'],
    },
    {
      name: 'nat-postrouting',
      hook: 'type nat hook postrouting priority srcnat; policy accept;',
      rules: networks.flatMap((n) => [
        `oifname ${q(n.bridge)} jump ${networkChain(n.name, 'postrouting-in')}`,
        ...(n.internal ? [] : [`ip saddr ${n.subnet} jump ${networkChain(n.name, 'postrouting-out')}`]),
      ]),
    },
    {
      name: 'filter-forward',
      hook: 'type filter hook forward priority filter; policy accept;',
      rules: networks.flatMap((n) => [
        `oifname ${q(n.bridge)} jump ${networkChain(n.name, 'forward-in')}`,
        `iifname ${q(n.bridge)} jump ${networkChain(n.name, 'forward-out')}`,
      ]),
    },
    {
      name: 'hostports',
      rules: [
        ...networks.map((n) => `ip daddr ${n.gateway} meta l4proto { tcp, udp } th dport 53 return`),
        ...published.map((p) => `jump ${portsChain(p.containerId)}`),
      ],
    },
    ...networks.flatMap(networkChains),
    ...published.map((p) => ({
      name: portsChain(p.containerId),
      rules: [...p.ports].sort(comparePorts).map((port) => portRule(p.address, port)),
    })),
  ];
  const body = chains
    .map((c) => {
      const lines = [...(c.hook ? [c.hook] : []), ...c.rules].map((l) => `\t\t${l}\n`).join('');
      return `\tchain ${c.name} {\n${lines}\t}\n`;
    })
    .join('\n');
  return `table inet ${table} {\n${body}}\n`;
}
