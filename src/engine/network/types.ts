/**
 * The network subsystem's plain data: what callers ask for (`*Spec`) and what they observe
 * (`*Info`). The lead merges these into `src/engine/types.ts`; until then the container engine
 * and the CLI import them from here (through `./index.js`).
 *
 * Addresses are IPv4 dotted quads; subnets are CIDR strings (`10.64.3.0/24`). IPv6 is refused
 * for now (`enableIpv6: true` → NETWORK_IPV6_UNSUPPORTED).
 */

export type PortProtocol = 'tcp' | 'udp';

/** Options every waiting operation takes (house rule 9). */
export interface OpOptions {
  readonly signal?: AbortSignal;
}

/** A user-defined bridge network, as `network create` or a stack's `networks:` key asks for it. */
export interface NetworkSpec {
  /** Name, `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; compose uses `<project>_<key>`. */
  readonly name: string;
  /** Only `bridge` exists (the default). */
  readonly driver?: 'bridge';
  /** CIDR; omitted = the next free /24 of the default pool. */
  readonly subnet?: string;
  /** Omitted = the subnet's first host address. */
  readonly gateway?: string;
  /** CIDR inside `subnet` that dynamic addresses come from (static ones may lie outside it). */
  readonly ipRange?: string;
  /** No egress: containers reach each other and the gateway's DNS, nothing beyond the bridge. */
  readonly internal?: boolean;
  /** Refused for now with NETWORK_IPV6_UNSUPPORTED. */
  readonly enableIpv6?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Driver options. Understood: `mtu` (or `com.docker.network.driver.mtu`). Others are kept and
   * shown by inspect, as Docker does.
   */
  readonly options?: Readonly<Record<string, string>>;
}

/** One container's attachment to one network. */
export interface EndpointSpec {
  /** The container's id (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`, ≤ 64 chars); one endpoint per network. */
  readonly containerId: string;
  /** The container's name; it resolves in DNS (Docker: `<project>-<service>-<n>`). */
  readonly containerName: string;
  /**
   * The network namespace to put the interface in: a nsfs bind mount (`createNetns()`'s path) or
   * `/proc/<pid>/ns/net`.
   */
  readonly netnsPath: string;
  /**
   * More DNS names for this container on this network: compose passes the service name (shared
   * by all replicas: every replica's address is returned) and the service's `aliases`.
   */
  readonly aliases?: readonly string[];
  /** Static address (`ipv4_address`); must lie in the subnet and be free. */
  readonly ipv4Address?: string;
  /** Static MAC (`mac_address`); omitted = derived from the address (`02:74:` + the 4 bytes). */
  readonly macAddress?: string;
}

/**
 * One `ports:` entry. Host side: one port, a range (`hostPort`..`hostPortEnd`) or nothing (a
 * random port from `ip_local_port_range`). A container range maps 1:1 onto a host range of the
 * same size; a single container port with a host range takes the first free port of the range.
 */
export interface PortBindingSpec {
  /** Omitted or `0.0.0.0` = every host address (including 127.0.0.1). */
  readonly hostIp?: string;
  readonly hostPort?: number;
  readonly hostPortEnd?: number;
  readonly containerPort: number;
  readonly containerPortEnd?: number;
  /** Default tcp. */
  readonly protocol?: PortProtocol;
}

/** A port as published: concrete numbers after ranges and random ports were resolved. */
export interface PublishedPort {
  /** `0.0.0.0` for every host address. */
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: PortProtocol;
}

export type NetworkState = 'creating' | 'ready' | 'removing';
export type EndpointState = 'attaching' | 'ready' | 'detaching';

export interface EndpointInfo {
  readonly containerId: string;
  readonly containerName: string;
  readonly networkName: string;
  readonly networkId: string;
  readonly netnsPath: string;
  /** Inside the container: `eth0`, `eth1`, … */
  readonly interfaceName: string;
  /** The host end of the veth pair (`tsc…v…`). */
  readonly hostInterface: string;
  readonly ipv4Address: string;
  readonly prefixLength: number;
  readonly gateway: string;
  readonly macAddress: string;
  readonly aliases: readonly string[];
  /** Names served by DNS for this endpoint: the container name, then the aliases. */
  readonly dnsNames: readonly string[];
  /** Whether this endpoint gave the container its default route. */
  readonly isDefaultRoute: boolean;
  readonly ports: readonly PublishedPort[];
  readonly state: EndpointState;
}

export interface NetworkInfo {
  /** 64 hex digits, as Docker's network ids. */
  readonly id: string;
  readonly name: string;
  readonly driver: 'bridge';
  /** ISO 8601. */
  readonly created: string;
  readonly subnet: string;
  readonly gateway: string;
  readonly ipRange: string | undefined;
  readonly internal: boolean;
  readonly enableIpv6: false;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  /** The Linux bridge (`tsc<root tag>b<id>`). */
  readonly bridge: string;
  readonly mtu: number;
  /** `creating`/`removing` only after an interrupted command; the next mutation repairs it. */
  readonly state: NetworkState;
  readonly endpoints: readonly EndpointInfo[];
}
