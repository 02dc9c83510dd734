import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { silentLogger, type Logger } from '../../common/logger.js';
import { EngineError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { Mutex, type EngineLock, type EnginePaths } from '../store/index.js';
import { DnsResponder } from './dns-process.js';
import { DnsRecordsDir } from './dns-records.js';
import {
  assertContainerId,
  connectEndpoint,
  detachEndpoint,
  validateEndpointSpec,
} from './endpoint-attach.js';
import { Firewall } from './firewall.js';
import { hostNamesFor, type HostNames } from './host-names.js';
import { DEFAULT_POOLS, type AddressPool } from './ipam.js';
import { createNetns, deleteNetns, netnsPathOf } from './netns.js';
import { converge, type NetworkContext } from './network-converge.js';
import { createNetwork, removeNetwork, validateNetworkSpec } from './network-lifecycle.js';
import { endpointInfo, networkInfo } from './network-record.js';
import { repairNetworks, type RepairReport } from './network-repair.js';
import { NetworkStore } from './network-store.js';
import { publishPorts, unpublishPorts } from './port-publish.js';
import { parseResolvConf, renderContainerResolvConf } from './resolv-conf.js';
import type {
  EndpointInfo,
  EndpointSpec,
  NetworkInfo,
  NetworkSpec,
  OpOptions,
  PortBindingSpec,
  PublishedPort,
} from './types.js';

export interface NetworkManagerDeps {
  readonly paths: EnginePaths;
  /** The engine's one lock for mutations, shared with the rest of the engine in this process. */
  readonly lock: EngineLock;
  /** Spawns the DNS responder (the engine's Runtime). */
  readonly runtime: Pick<Runtime, 'startDns'>;
  readonly logger?: Logger;
  /** Non-fatal problems (a gateway whose port 53 is taken, no upstream resolver). */
  readonly onWarning?: (message: string) => void;
  /** The host's resolver configuration (default /etc/resolv.conf): the DNS upstreams. */
  readonly hostResolvConf?: string;
  /** Default subnets (default DEFAULT_POOLS). */
  readonly pools?: readonly AddressPool[];
  /** Uniform in [0, 1), for random host ports (default Math.random). */
  readonly random?: () => number;
  /**
   * Called at named points of multi-step operations; tests stop the process there (SIGKILL) to
   * check that the next command repairs what was left. Points: `network-create:recorded`,
   * `network-create:bridge`, `network-remove:recorded`, `endpoint-connect:recorded`,
   * `endpoint-connect:veth`, `endpoint-disconnect:recorded`.
   */
  readonly onStep?: (step: string) => void | Promise<void>;
}

/**
 * The network subsystem of one engine root: bridge networks, the containers' network namespaces
 * and their endpoints, published ports, and service discovery. The container engine calls it in
 * this order (see docs/networking.md):
 *
 *   createNetns(id) → connect(network, {containerId, netnsPath, …}) for each network →
 *   publish(id, ports) → [container runs in netnsPath, /etc/resolv.conf = resolvConf(id)] →
 *   on stop: nothing (the netns and addresses stay) → on removal: release(id).
 *
 * Every mutation takes the engine lock (plus an in-process mutex: the engine lock is shared by
 * reference within a process), repairs what an interrupted command left, does its work with the
 * record written before the host objects it names, and ends by converging the nft table and DNS.
 */
export class NetworkManager {
  private readonly mutex = new Mutex();

  private constructor(
    private readonly deps: NetworkManagerDeps,
    private readonly ctx: NetworkContext,
  ) {}

  static async open(deps: NetworkManagerDeps): Promise<NetworkManager> {
    const names = hostNamesFor(await canonicalPath(deps.paths.root));
    const dnsDir = join(deps.paths.run, 'dns');
    const logger = (deps.logger ?? silentLogger).child('network');
    const ctx: NetworkContext = {
      store: new NetworkStore(deps.paths.networks),
      names,
      firewall: new Firewall(names.table, join(deps.paths.run, 'firewall.applied')),
      dns: new DnsResponder({ dir: dnsDir, start: (dir, log) => deps.runtime.startDns(dir, log) }),
      dnsRecords: new DnsRecordsDir(dnsDir),
      hostResolvConf: deps.hostResolvConf ?? '/etc/resolv.conf',
      logger,
      warn: deps.onWarning ?? ((message) => logger.debug('warning', { message })),
      pools: deps.pools ?? DEFAULT_POOLS,
      random: deps.random ?? Math.random,
      step: async (name) => {
        await deps.onStep?.(name);
      },
    };
    return new NetworkManager(deps, ctx);
  }

  /** Host object names of this root (tests look for leftovers with them). */
  get hostNames(): HostNames {
    return this.ctx.names;
  }

  get firewall(): Firewall {
    return this.ctx.firewall;
  }

  get dns(): DnsResponder {
    return this.ctx.dns;
  }

  /** Runs fn under the engine lock and the in-process mutex. */
  private async locked<T>(o: OpOptions, fn: () => Promise<T>): Promise<T> {
    const release = await this.deps.lock.acquire({ signal: o.signal });
    try {
      return await this.mutex.run(fn);
    } finally {
      await release();
    }
  }

  /** A mutation: repair first, then fn, then converge the nft table and DNS with the records. */
  private mutate<T>(o: OpOptions, fn: () => Promise<T>): Promise<T> {
    return this.locked(o, async () => {
      await repairNetworks(this.ctx, o);
      const result = await fn();
      await converge(this.ctx, o);
      return result;
    });
  }

  /**
   * Repairs what interrupted commands left and converges the host with the records, re-applying
   * the nft table even if it looks current (also what every mutation does, minus that). Returns
   * what was repaired.
   */
  repair(o: OpOptions = {}): Promise<RepairReport> {
    return this.locked(o, async () => {
      const report = await repairNetworks(this.ctx, o);
      await converge(this.ctx, { ...o, force: true });
      return report;
    });
  }

  async list(): Promise<NetworkInfo[]> {
    return (await this.ctx.store.list()).map(networkInfo);
  }

  /** By name, full id or unique id prefix. */
  async inspect(nameOrId: string): Promise<NetworkInfo> {
    return networkInfo(await this.ctx.store.find(nameOrId));
  }

  async create(spec: NetworkSpec, o: OpOptions = {}): Promise<NetworkInfo> {
    validateNetworkSpec(spec);
    return this.mutate(o, () => createNetwork(this.ctx, spec, o));
  }

  /** Removes a network without endpoints: its bridge, its rules, its DNS records. */
  async remove(nameOrId: string, o: OpOptions = {}): Promise<void> {
    await this.mutate(o, async () => {
      const record = await this.ctx.store.find(nameOrId);
      if (record.endpoints.length > 0) {
        throw new EngineError(
          'NETWORK_IN_USE',
          `network ${record.name} has active endpoints (${record.endpoints.map((e) => e.containerName).join(', ')})`,
          'remove or disconnect its containers first',
        );
      }
      await removeNetwork(this.ctx, record, o);
    });
  }

  /** Removes every network without endpoints (and with all of `labels`); returns their names. */
  async prune(o: OpOptions & { readonly labels?: Readonly<Record<string, string>> } = {}): Promise<string[]> {
    return this.mutate(o, async () => {
      const removed: string[] = [];
      for (const record of await this.ctx.store.list()) {
        if (record.endpoints.length > 0) continue;
        if (o.labels && !Object.entries(o.labels).every(([k, v]) => record.labels[k] === v)) continue;
        await removeNetwork(this.ctx, record, o);
        removed.push(record.name);
      }
      return removed;
    });
  }

  /** The path of a container's netns (whether or not it exists yet). */
  netnsPath(containerId: string): string {
    return netnsPathOf(this.ctx.names.netns(assertContainerId(containerId)));
  }

  /** Creates the container's network namespace (idempotent); returns its path for the OCI config. */
  async createNetns(containerId: string, o: OpOptions = {}): Promise<string> {
    return createNetns(this.ctx.names.netns(assertContainerId(containerId)), o);
  }

  /** Deletes the container's netns (its interfaces go with it). Call after disconnecting. */
  async removeNetns(containerId: string, o: OpOptions = {}): Promise<void> {
    await deleteNetns(this.ctx.names.netns(assertContainerId(containerId)), o);
  }

  /**
   * Attaches a container to a network: a veth pair into `netnsPath`, an address (static or the
   * next free one), its MAC, the default route if it is the container's first non-internal
   * network, and its DNS names (live when this returns). Connecting a container that already has
   * an endpoint on the network plugs the same address and MAC in again (its netns was recreated
   * after a reboot, or its aliases changed).
   */
  async connect(network: string, spec: EndpointSpec, o: OpOptions = {}): Promise<EndpointInfo> {
    const mac = await validateEndpointSpec(spec);
    return this.mutate(o, () => connectEndpoint(this.ctx, network, spec, mac, o));
  }

  /** Detaches a container from a network (its veth, address, ports on it and DNS names go). */
  async disconnect(network: string, containerId: string, o: OpOptions = {}): Promise<void> {
    await this.mutate(o, async () => {
      const record = await this.ctx.store.find(network);
      if (!record.endpoints.some((e) => e.containerId === containerId)) {
        throw new EngineError(
          'NETWORK_ENDPOINT_NOT_FOUND',
          `container ${containerId} is not connected to network ${record.name}`,
        );
      }
      await detachEndpoint(this.ctx, record, containerId, o);
    });
  }

  /**
   * Publishes a container's ports (replacing what it published before): DNAT from every host
   * address (or `hostIp`), 127.0.0.1 included, to the container's address on `network` —
   * default: the network that gave it its default route. Returns the ports as published (random
   * and range ports resolved). UDP ports get their stale conntrack entries flushed.
   */
  async publish(
    containerId: string,
    bindings: readonly PortBindingSpec[],
    o: OpOptions & { readonly network?: string } = {},
  ): Promise<PublishedPort[]> {
    return this.mutate(o, () => publishPorts(this.ctx, containerId, bindings, o));
  }

  /** Withdraws all of a container's published ports. */
  async unpublish(containerId: string, o: OpOptions = {}): Promise<void> {
    await this.mutate(o, () => unpublishPorts(this.ctx, containerId));
  }

  /** Everything of a container at once, for its removal: ports, endpoints, DNS names, netns. */
  async release(containerId: string, o: OpOptions = {}): Promise<void> {
    await this.mutate(o, async () => {
      for (const r of await this.ctx.store.list()) {
        if (r.endpoints.some((e) => e.containerId === containerId))
          await detachEndpoint(this.ctx, r, containerId, o);
      }
    });
    await this.removeNetns(containerId, o);
  }

  /** The container's endpoints, in the order of their networks' names. */
  async endpointsOf(containerId: string): Promise<EndpointInfo[]> {
    return (await this.ctx.store.list()).flatMap((r) =>
      r.endpoints.filter((e) => e.containerId === containerId).map((e) => endpointInfo(r, e)),
    );
  }

  /**
   * The container's /etc/resolv.conf: its networks' gateways (default-route network first), the
   * host's search domains and options. A container on no network gets the host's nameservers.
   */
  async resolvConf(containerId: string): Promise<string> {
    const endpoints = (await this.endpointsOf(containerId)).sort(
      (a, b) => Number(b.isDefaultRoute) - Number(a.isDefaultRoute),
    );
    const host = parseResolvConf(await readFile(this.ctx.hostResolvConf, 'utf8').catch(() => ''));
    return renderContainerResolvConf(
      endpoints.map((e) => e.gateway),
      host,
    );
  }
}

/**
 * The root's real path, also before it exists: the real path of its deepest existing ancestor
 * plus the rest. Host object names derive from it, so they must not change when the root is
 * created by the first command (a symlink in its parent path would otherwise change them).
 */
async function canonicalPath(path: string): Promise<string> {
  const absolute = resolve(path);
  const rest: string[] = [];
  for (let dir = absolute; ; dir = dirname(dir)) {
    try {
      return join(await realpath(dir), ...rest.reverse());
    } catch {
      if (dirname(dir) === dir) return absolute;
      rest.push(basename(dir));
    }
  }
}
